/**
 * Stands in for the `graphql` package in the browser build (`dist/browser/`, see tsup.config.ts), where graphql-request
 * is bundled with `graphql` aliased to this file.
 *
 * Why: graphql-request's `analyzeDocument` imports graphql's `parse` and `print` statically, so a bundler keeps
 * graphql's whole parser and printer (about 44 KB minified, 11 KB gzipped) although plain-client never needs them:
 * - every document it sends is a string (see `operation()` in src/transport.ts), so `print` (AST -> string) is not
 *   reached: analyzeDocument only prints non-string documents;
 * - the transport sets `excludeOperationName: true` and adds `operationName` in its own jsonSerializer, so
 *   analyzeDocument returns before it would `parse`.
 * test/graphql-shim.test.ts runs every operation and failure path through graphql-request with this shim and checks
 * that neither function is called.
 *
 * Only what graphql-request reads from `graphql` at run time is here. Should a future graphql-request call
 * one of these, the call throws loudly instead of silently sending something wrong.
 */

/** The one AST kind graphql-request compares against (`isOperationDefinitionNode`). */
export const Kind = { OPERATION_DEFINITION: 'OperationDefinition' } as const;

const unavailable = (what: string): never => {
  throw new Error(`plain-client's browser build has no GraphQL ${what}: every document must be a string.`);
};

export function parse(_source: unknown): never {
  return unavailable('parser');
}

export function print(_ast: unknown): never {
  return unavailable('printer');
}
