// Plain's schema in the fake: every operation is parsed and validated against it, then executed with graphql-js over
// the fake's state. Fields the fake keeps no state for answer schema-valid placeholders, so any document a user writes
// against schema.graphql runs against the fake too.
import {
  buildSchema,
  type DocumentNode,
  execute,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  getOperationAST,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  validate,
} from 'graphql';
import { SCHEMA_SDL } from '../generated/schema-sdl.js';

let schema: GraphQLSchema | undefined;

/** Plain's schema, built the first time the fake needs it and kept for the life of the process. */
export function plainSchema(): GraphQLSchema {
  // The SDL is generated from schema.graphql, which codegen already checks: skipping graphql-js's own checks of it
  // saves a noticeable part of the first request.
  schema ??= buildSchema(SCHEMA_SDL, { assumeValidSDL: true, assumeValid: true, noLocation: true });
  return schema;
}

/** A GraphQL error as Plain sends it: a message and `extensions.code`. */
export interface WireError {
  message: string;
  path?: readonly (string | number)[];
  extensions: { code: string };
}
/** What the fake answers one operation with: an HTTP status and a GraphQL body. */
export interface Answer {
  status: number;
  body: { data?: unknown; errors?: WireError[] };
}

export const errorAnswer = (status: number, code: string, messages: readonly string[]): Answer => ({
  status,
  body: { errors: messages.map((message) => ({ message, extensions: { code } })) },
});

/** An error a resolver throws to fail its field with Plain's code (e.g. FORBIDDEN). */
export const coded = (code: string, message: string) => new GraphQLError(message, { extensions: { code } });

/** Plain's `DateTime` object for a time. */
export const dateTime = (at: Date) => ({ iso8601: at.toISOString(), unixTimestamp: String(at.getTime()) });

/**
 * A schema-valid value for a field the fake keeps no state for: null where the schema allows it; otherwise '' for
 * strings and ids, 0, false, an enum's first value, an empty list, the current time for a `DateTime`, and an object
 * (of the first possible type, for a union or interface) whose own fields are filled in the same way when selected.
 */
function placeholder(type: GraphQLOutputType, schema: GraphQLSchema): unknown {
  if (!isNonNullType(type)) return null;
  const inner = type.ofType;
  if (isListType(inner)) return [];
  if (isScalarType(inner)) {
    if (inner.name === 'Int' || inner.name === 'Float') return 0;
    return inner.name === 'Boolean' ? false : '';
  }
  if (isEnumType(inner)) return inner.getValues()[0]?.value;
  if (isAbstractType(inner)) return { __typename: schema.getPossibleTypes(inner)[0]?.name };
  return inner.name === 'DateTime' ? dateTime(new Date()) : {};
}

/**
 * Reads a field from the object the fake built (calling it when it is a function, as graphql-js does), or answers a
 * placeholder when the fake has no value for it. Only own properties count, so `constructor` is never a value.
 */
const fieldOrPlaceholder: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  if (typeof source === 'object' && source !== null && Object.hasOwn(source, info.fieldName)) {
    const value: unknown = (source as Record<string, unknown>)[info.fieldName];
    const resolved = typeof value === 'function' ? value(args, context, info) : value;
    if (resolved !== undefined) return resolved;
  }
  return placeholder(info.returnType, info.schema);
};

/** The concrete type of a union or interface value: its `__typename`, or the abstract type's first possible type. */
const typeOf: GraphQLTypeResolver<unknown, unknown> = (value, _context, info, abstractType) => {
  const named = (value as { __typename?: unknown } | null)?.__typename;
  return typeof named === 'string' ? named : info.schema.getPossibleTypes(abstractType)[0]?.name;
};

/** A document's source text, parsed (or why it does not parse), and once checked, what the schema finds wrong. */
interface Prepared {
  document?: DocumentNode;
  parseError?: string;
  problems?: string[];
}
/** Documents by source text, so that the operations a client repeats are parsed and validated once. */
const prepared = new Map<string, Prepared>();
const MAX_DOCUMENTS = 200;

function prepare(query: string): Prepared {
  let entry = prepared.get(query);
  if (entry) return entry;
  try {
    entry = { document: parse(query) };
  } catch (error) {
    // graphql-js parses recursively: a document nested deeper than the stack allows fails with a RangeError.
    entry = {
      parseError: error instanceof GraphQLError ? error.message : 'Syntax Error: the document is nested too deeply.',
    };
  }
  // The oldest entry goes first: a test suite sends a handful of documents, a soak test the same few many times.
  if (prepared.size >= MAX_DOCUMENTS) prepared.delete(prepared.keys().next().value as string);
  prepared.set(query, entry);
  return entry;
}

/** The document in `query`, checked against Plain's schema; or Plain's answer when it does not parse or validate. */
function documentOf(query: string): DocumentNode | Answer {
  const entry = prepare(query);
  if (!entry.document) return errorAnswer(400, 'GRAPHQL_PARSE_FAILED', [entry.parseError ?? 'Syntax Error']);
  entry.problems ??= validate(plainSchema(), entry.document).map((e) => e.message);
  if (entry.problems.length > 0) return errorAnswer(400, 'GRAPHQL_VALIDATION_FAILED', entry.problems);
  return entry.document;
}

/** The name of the operation a request runs: the body's `operationName`, or the document's only operation's name. */
export function operationNameOf(body: { query?: unknown; operationName?: unknown }): string | undefined {
  if (typeof body.operationName === 'string') return body.operationName;
  if (typeof body.query !== 'string') return undefined;
  const { document } = prepare(body.query);
  return document ? getOperationAST(document)?.name?.value : undefined;
}

/**
 * Runs one GraphQL request as Plain would: 400 with GRAPHQL_PARSE_FAILED or GRAPHQL_VALIDATION_FAILED for a document
 * that does not parse or validate, 400 with BAD_USER_INPUT for variables that do not fit, 403 for a missing
 * permission, and otherwise 200 with the data (and the errors of fields that failed).
 */
export async function run(request: {
  query: string;
  variables: unknown;
  operationName: string | undefined;
  rootValue: Record<string, unknown>;
  context: unknown;
}): Promise<Answer> {
  try {
    return await execution(request);
  } catch {
    // Whatever a request holds (a document nested deeper than the stack allows, …), the fake answers it.
    return errorAnswer(500, 'INTERNAL_SERVER_ERROR', ['Internal server error']);
  }
}

async function execution(request: Parameters<typeof run>[0]): Promise<Answer> {
  const { variables } = request;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables)))
    return errorAnswer(400, 'BAD_REQUEST', ['`variables` must be an object.']);
  const document = documentOf(request.query);
  if (!('kind' in document)) return document;
  if (!getOperationAST(document, request.operationName)) {
    const problem = request.operationName
      ? `Unknown operation named "${request.operationName}".`
      : 'Must provide operation name if query contains multiple operations.';
    return errorAnswer(400, 'OPERATION_RESOLUTION_FAILURE', [problem]);
  }
  const result = await execute({
    schema: plainSchema(),
    document,
    rootValue: request.rootValue,
    contextValue: request.context,
    variableValues: variables as Record<string, unknown> | null | undefined,
    operationName: request.operationName,
    fieldResolver: fieldOrPlaceholder,
    typeResolver: typeOf,
  });
  const errors = result.errors?.map(
    (e): WireError => ({
      message: e.message,
      ...(e.path ? { path: e.path } : {}),
      extensions: { code: typeof e.extensions.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR' },
    }),
  );
  // No data at all: the variables did not fit the operation's types, so nothing ran.
  if (!('data' in result) || result.data === undefined) {
    return {
      status: 400,
      body: { errors: (errors ?? []).map((e) => ({ ...e, extensions: { code: 'BAD_USER_INPUT' } })) },
    };
  }
  if (errors?.some((e) => e.extensions.code === 'FORBIDDEN'))
    return { status: 403, body: { errors: errors.filter((e) => e.extensions.code === 'FORBIDDEN') } };
  return { status: 200, body: errors ? { data: result.data, errors } : { data: result.data } };
}
