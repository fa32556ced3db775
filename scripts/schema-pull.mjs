#!/usr/bin/env node
// npm run schema:pull: replaces schema.graphql with Plain's live public schema, then checks it still builds.
// Afterwards run `npm run codegen`: if an operation no longer matches Plain's schema, codegen says where.
import { writeFileSync } from 'node:fs';
import { buildSchema } from 'graphql';

const url = process.env.PLAIN_SCHEMA_URL ?? 'https://core-api.uk.plain.com/graphql/v1/schema.graphql';
const response = await fetch(url).catch((error) => {
  console.error(`Could not reach ${url}: ${error.cause?.code ?? error.message}`);
  process.exit(1);
});
if (!response.ok) {
  console.error(`${url} answered HTTP ${response.status}.`);
  process.exit(1);
}
const sdl = await response.text();
try {
  buildSchema(sdl);
} catch (error) {
  console.error(`What ${url} sent is not a GraphQL schema: ${error.message}`);
  process.exit(1);
}
writeFileSync('schema.graphql', sdl.endsWith('\n') ? sdl : `${sdl}\n`);
console.log(`schema.graphql updated from ${url} (${sdl.length} characters). Now run: npm run codegen`);
