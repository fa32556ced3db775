#!/usr/bin/env node
// npm run schema:pull: replaces schema.graphql with Plain's live public schema and reports what changed: types, query
// fields and mutations added or removed, and the changes graphql-js calls breaking or dangerous.
// Afterwards run `npm run codegen`: if an operation no longer matches Plain's schema, codegen says where.
// PLAIN_SCHEMA_URL overrides the address; `--dry-run` reports without writing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';

const url = process.env.PLAIN_SCHEMA_URL ?? 'https://core-api.uk.plain.com/graphql/v1/schema.graphql';
const dryRun = process.argv.includes('--dry-run');

const response = await fetch(url).catch((error) => {
  console.error(`Could not reach ${url}: ${error.cause?.code ?? error.message}`);
  process.exit(1);
});
if (!response.ok) {
  console.error(`${url} answered HTTP ${response.status}.`);
  process.exit(1);
}
const sdl = await response.text();
let next;
try {
  next = buildSchema(sdl);
} catch (error) {
  console.error(`What ${url} sent is not a GraphQL schema: ${error.message}`);
  process.exit(1);
}

/** Type names (without graphql's own), query fields and mutations of a schema. */
function outline(schema) {
  return {
    types: new Set(Object.keys(schema.getTypeMap()).filter((name) => !name.startsWith('__'))),
    queries: new Set(Object.keys(schema.getQueryType()?.getFields() ?? {})),
    mutations: new Set(Object.keys(schema.getMutationType()?.getFields() ?? {})),
  };
}
const difference = (a, b) => [...a].filter((x) => !b.has(x)).sort();
const list = (names) =>
  names.length > 12 ? `${names.slice(0, 12).join(', ')} and ${names.length - 12} more` : names.join(', ');

const after = outline(next);
console.log(
  `${url}: ${after.types.size} types, ${after.queries.size} query fields, ${after.mutations.size} mutations.`,
);
const current = existsSync('schema.graphql') ? readFileSync('schema.graphql', 'utf8') : undefined;
if (current === sdl || current === `${sdl}\n`) {
  console.log('schema.graphql is already this schema: nothing changed.');
  process.exit(0);
}
if (current !== undefined) {
  const previous = buildSchema(current);
  const before = outline(previous);
  for (const part of ['types', 'queries', 'mutations']) {
    const added = difference(after[part], before[part]);
    const removed = difference(before[part], after[part]);
    if (added.length) console.log(`  ${part} added (${added.length}): ${list(added)}`);
    if (removed.length) console.log(`  ${part} removed (${removed.length}): ${list(removed)}`);
  }
  const breaking = findBreakingChanges(previous, next);
  const dangerous = findDangerousChanges(previous, next);
  for (const change of breaking.slice(0, 20)) console.log(`  breaking: ${change.description}`);
  if (breaking.length > 20) console.log(`  … and ${breaking.length - 20} more breaking changes`);
  for (const change of dangerous.slice(0, 20)) console.log(`  dangerous: ${change.description}`);
  if (breaking.length + dangerous.length === 0)
    console.log('  no breaking or dangerous changes (descriptions or additions only).');
}
if (dryRun) {
  console.log('--dry-run: schema.graphql left as it was.');
} else {
  writeFileSync('schema.graphql', sdl.endsWith('\n') ? sdl : `${sdl}\n`);
  console.log('schema.graphql updated. Now run: npm run codegen (then npm run codegen:check and the tests).');
}
