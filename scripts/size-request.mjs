#!/usr/bin/env node
// A page that sends a string with plain.request, bundled into a single file (esbuild --bundle, where a dynamic import
// is inlined), carries no graphql-js (from source, no build needed): `node scripts/size-request.mjs`. Exits 1 if it
// does. The size budget of a page is `npm run size`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.tmp', 'size-request');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const common = {
  bundle: true,
  minify: true,
  platform: 'browser',
  format: 'esm',
  metafile: true,
  write: false,
  logLevel: 'error',
  absWorkingDir: root,
};
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const fmt = (n) => n.toLocaleString('en-US');
const problems = [];

function entry(name, body) {
  const file = join(work, `${name}.ts`);
  writeFileSync(
    file,
    `import { PlainClient } from '../../src/index.ts';\nconst plain = new PlainClient({ apiUrl: new URL('/api/plain', location.origin).href });\n${body}\n`,
  );
  return file;
}

// 1. plain.request with a string: no graphql-js in a single-file bundle.
const requestPage = entry(
  'request',
  "plain.request('query Me { myMachineUser { id } }').then((result) => console.log(result));",
);
const single = await build({ ...common, entryPoints: [requestPage], outfile: join(work, 'request.js') });
const graphqlFiles = Object.keys(single.metafile.inputs).filter((p) => /node_modules\/graphql\//.test(p));
console.log(
  `plain.request with a string, single file: ${fmt(gzip(single.outputFiles[0].contents))} bytes gzip, graphql-js ${graphqlFiles.length ? 'INCLUDED' : 'absent'}`,
);
if (graphqlFiles.length > 0)
  problems.push(`graphql-js is in the bundle of a page that sends strings: ${graphqlFiles.slice(0, 3).join(', ')}`);

for (const p of problems) console.error(`size-request: ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
