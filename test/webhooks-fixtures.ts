// Shared by the webhook tests: the vendored schema, an ajv validator for it (tests only: never at run time), a small
// generator of schema-valid examples, and signing helpers.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { signWebhook } from '../src/webhooks/index.js';

type Schema = Record<string, any>;
export const webhookSchema: Schema = JSON.parse(readFileSync('webhook-schema.json', 'utf8'));

const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validate = ajv.compile(webhookSchema);

/** ajv's complaints about one delivery body against the vendored schema ([] when it is valid). */
export function schemaErrors(event: unknown): string[] {
  return validate(event) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const ID_PATTERN = webhookSchema.definitions.id.pattern;

function resolve(ref: string): Schema {
  let node: any = webhookSchema;
  for (const part of ref.replace(/^#\//, '').split('/')) node = node[part];
  return node;
}

/** A value valid against `schema`: every property filled, one item per list, the first choice of each anyOf. */
export function exampleOf(schema: Schema, depth = 0): unknown {
  if (schema.$ref) return exampleOf(resolve(schema.$ref), depth);
  if (schema.allOf) return exampleOf(Object.assign({}, ...schema.allOf), depth);
  if (schema.anyOf) {
    const options: Schema[] = schema.anyOf;
    const nonNull = options.filter((o) => o.type !== 'null');
    // Deep down, take null where allowed, so recursive definitions end.
    if (depth > 10 && nonNull.length < options.length) return null;
    return exampleOf(nonNull[0] ?? options[0]!, depth + 1);
  }
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? (schema.type.find((t: string) => t !== 'null') ?? 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries<Schema>(schema.properties ?? {}))
        out[key] = exampleOf(property, depth + 1);
      return out;
    }
    case 'array': {
      const count = Math.max(schema.minItems ?? 0, depth < 8 ? 1 : 0);
      return Array.from({ length: count }, () => exampleOf(schema.items ?? {}, depth + 1));
    }
    case 'string':
      if (schema.pattern === ID_PATTERN) return 'ex_01J0000000000000000000000A';
      if (schema.pattern?.startsWith('^#')) return '#a0b1c2';
      if (schema.pattern?.includes('@')) return 'someone@customers.example';
      if (schema.pattern) throw new Error(`exampleOf: no example for the pattern ${schema.pattern}`);
      if (schema.format === 'date-time') return '2026-04-21T10:00:00.000Z';
      if (schema.format === 'uri') return 'https://example.com/a';
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return 'x'.repeat(Math.max(schema.minLength ?? 0, 1));
    case 'integer':
      return schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? 1);
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}

/** The payload definition of each event type (its `eventType` const), from the vendored schema. */
export function payloadSchemaOf(type: string): Schema {
  for (const option of webhookSchema.properties.payload.anyOf as Schema[]) {
    const definition = resolve(option.$ref);
    const arms: Schema[] = definition.anyOf ?? [definition];
    if (arms.some((arm) => arm.properties?.eventType?.const === type)) return definition;
  }
  throw new Error(`no payload for ${type}`);
}

/** A full delivery of `type`, valid against the vendored schema, attempted at `attemptAt`. */
export function exampleEvent(type: string, attemptAt = new Date()): Record<string, any> {
  return {
    id: 'pEv_01J0000000000000000000000A',
    type,
    timestamp: '2026-04-21T10:00:00.000Z',
    workspaceId: 'w_01J0000000000000000000000A',
    payload: exampleOf(payloadSchemaOf(type)),
    webhookMetadata: {
      webhookTargetId: 'whTarget_01J0000000000000000000000A',
      webhookTargetVersion: '2026-04-21',
      webhookDeliveryAttemptId: 'whAttempt_01J0000000000000000000000A',
      webhookDeliveryAttemptNumber: 1,
      webhookDeliveryAttemptTimestamp: attemptAt.toISOString(),
    },
  };
}

export const SECRET = 'whsec_test_0123456789abcdef0123456789abcdef';

/** The body as Plain would send it, and its signature header. */
export async function signed(event: unknown, secret = SECRET): Promise<{ body: string; signature: string }> {
  const body = JSON.stringify(event);
  return { body, signature: await signWebhook({ body, secret }) };
}

/** A signed delivery as Plain posts it to a webhook handler. */
export function deliveryRequest({ body, signature }: { body: string; signature: string }): Request {
  return new Request('http://127.0.0.1/plain', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'plain-request-signature': signature },
    body,
  });
}
