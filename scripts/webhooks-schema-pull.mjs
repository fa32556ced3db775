#!/usr/bin/env node
// npm run schema:pull:webhooks [-- <version>]: replaces webhook-schema.json with Plain's published webhook JSON Schema
// (default: the version the vendored copy has), checks its shape, then regenerates src/generated/webhooks.ts.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const current = JSON.parse(readFileSync('webhook-schema.json', 'utf8'));
const version =
  process.argv[2] ?? current.definitions?.webhookMetadata?.properties?.webhookTargetVersion?.const ?? 'latest';
const url = process.env.PLAIN_WEBHOOK_SCHEMA_URL ?? `https://core-api.uk.plain.com/webhooks/schema/${version}.json`;
const response = await fetch(url).catch((error) => {
  console.error(`Could not reach ${url}: ${error.cause?.code ?? error.message}`);
  process.exit(1);
});
if (!response.ok) {
  console.error(`${url} answered HTTP ${response.status}.`);
  process.exit(1);
}
let schema;
try {
  schema = JSON.parse(await response.text());
} catch {
  console.error(`What ${url} sent is not JSON.`);
  process.exit(1);
}
if (
  !Array.isArray(schema?.properties?.type?.enum) ||
  !Array.isArray(schema?.properties?.payload?.anyOf) ||
  !schema.definitions
) {
  console.error(`What ${url} sent is not Plain's webhook schema (no type enum, payload anyOf or definitions).`);
  process.exit(1);
}
writeFileSync('webhook-schema.json', `${JSON.stringify(schema, null, 2)}\n`);
console.log(`webhook-schema.json updated from ${url} (${schema.properties.type.enum.length} event types).`);
execFileSync(process.execPath, ['scripts/webhooks-codegen.mjs'], { stdio: 'inherit' });
