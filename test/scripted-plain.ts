import { readFileSync } from 'node:fs';
import {
  buildSchema,
  coerceInputValue,
  type GraphQLInputType,
  type OperationDefinitionNode,
  parse,
  typeFromAST,
  validate,
} from 'graphql';

/** Plain's schema, to check that what the client sends is an operation Plain would accept. */
const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

/** A request as it went out. */
export interface SentRequest {
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
}

/** What the script answers: a GraphQL body (HTTP 200 unless `status`), or a dropped connection. */
export type ScriptedAnswer = { status?: number; body: unknown } | 'connection refused';

/**
 * A `fetch` that answers like Plain from a script, one answer per operation name (a function, or a list used in
 * order), and records every request. Each request is checked against Plain's schema: an operation or variables Plain
 * would reject fail the test.
 */
export function scriptedPlain(
  script: Record<string, ScriptedAnswer | ScriptedAnswer[] | ((request: SentRequest) => ScriptedAnswer)>,
) {
  const requests: SentRequest[] = [];
  const schemaProblems: string[] = [];
  const fetch = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const sent = JSON.parse(String(init?.body)) as SentRequest;
    requests.push(sent);
    schemaProblems.push(...problemsWith(sent));
    const entry = script[sent.operationName];
    const answer = typeof entry === 'function' ? entry(sent) : Array.isArray(entry) ? entry.shift() : entry;
    if (answer === undefined) throw new Error(`scriptedPlain: no answer for ${sent.operationName}`);
    if (answer === 'connection refused')
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    return new Response(JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json', 'apigw-requestid': `req-${requests.length}` },
    });
  };
  return { fetch, requests, schemaProblems, operations: () => requests.map((r) => r.operationName) };
}

/** Why Plain would reject this request: the document does not validate, or the variables do not fit it. */
export function problemsWith(sent: SentRequest): string[] {
  const document = parse(sent.query);
  const errors = validate(schema, document).map((e) => e.message);
  const op = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === sent.operationName,
  );
  if (!op) return [...errors, `no operation ${sent.operationName}`];
  const problems = [...errors];
  for (const definition of op.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType;
    const value = sent.variables?.[name];
    if (value === undefined && definition.type.kind !== 'NonNullType') continue;
    coerceInputValue(value, type, (path, _invalid, error) =>
      problems.push(`$${name}${path.map((p) => `.${p}`).join('')}: ${error.message}`),
    );
  }
  return problems;
}

/** A thread summary as Plain returns it. */
export const threadSummary = (id: string, init: { channel?: string; status?: string } = {}) => ({
  id,
  ref: 'T-1',
  title: 'Cannot log in',
  channel: init.channel ?? 'EMAIL',
  status: init.status ?? 'TODO',
  customer: { id: 'c_1' },
});

/** A mutation's answer: `{ data: { [field]: { thread, error: null, ...extra } } }`. */
export const changed = (field: string, payload: Record<string, unknown>): ScriptedAnswer => ({
  body: { data: { [field]: { error: null, ...payload } } },
});

/** A mutation refused with Plain's MutationError. */
export const refused = (
  field: string,
  error: { message: string; type: string; code: string; fields?: unknown[] },
): ScriptedAnswer => ({
  body: { data: { [field]: { thread: null, error: { fields: [], ...error } } } },
});

/** Plain's answer to a server failure. */
export const serverError: ScriptedAnswer = {
  status: 500,
  body: { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
};
