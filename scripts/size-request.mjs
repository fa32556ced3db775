#!/usr/bin/env node
// Browser bundle checks for the workflow methods and plain.request (from source, no build needed):
//   node scripts/size-request.mjs
// 1. A page that sends a string with plain.request, bundled into a single file (esbuild --bundle, where a dynamic
//    import is inlined), carries no graphql-js.
// 2. A page that uses only replyToThread and getThread: gzip -9 of what it loads at start, bundled the way browser
//    bundlers ship an app (code splitting: each operation's module is a chunk loaded when its method is first called),
//    within BUDGET_BYTES. The single-file figure, where every operation is inlined, is printed beside it.
// Exits 1 when a check fails.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** 15 KB, read as 15,000 bytes. */
const BUDGET_BYTES = 15_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.tmp', 'size-request');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const common = { bundle: true, minify: true, platform: 'browser', format: 'esm', metafile: true, write: false, logLevel: 'error', absWorkingDir: root };
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const fmt = (n) => n.toLocaleString('en-US');
const problems = [];

function entry(name, body) {
  const file = join(work, `${name}.ts`);
  writeFileSync(file, `import { PlainClient } from '../../src/index.ts';\nconst plain = new PlainClient({ apiUrl: new URL('/api/plain', location.origin).href });\n${body}\n`);
  return file;
}

// 1. plain.request with a string: no graphql-js in a single-file bundle.
const requestPage = entry('request', "plain.request('query Me { myMachineUser { id } }').then((result) => console.log(result));");
const single = await build({ ...common, entryPoints: [requestPage], outfile: join(work, 'request.js') });
const graphqlFiles = Object.keys(single.metafile.inputs).filter((p) => /node_modules\/graphql\//.test(p));
console.log(`plain.request with a string, single file: ${fmt(gzip(single.outputFiles[0].contents))} bytes gzip, graphql-js ${graphqlFiles.length ? 'INCLUDED' : 'absent'}`);
if (graphqlFiles.length > 0) problems.push(`graphql-js is in the bundle of a page that sends strings: ${graphqlFiles.slice(0, 3).join(', ')}`);

// 2. A page using only replyToThread and getThread.
const replyPage = entry('reply', "plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' }).then(console.log);\nplain.getThread('th_1').then(console.log);");
const inlined = await build({ ...common, entryPoints: [replyPage], outfile: join(work, 'reply.js') });
const split = await build({ ...common, entryPoints: [replyPage], outdir: join(work, 'split'), splitting: true });
const files = new Map(split.outputFiles.map((f) => [relative(root, f.path), f.contents]));
// What the page loads at start: its entry chunk and every chunk reached from it by static imports.
const atStart = new Set();
const visit = (path) => {
  if (atStart.has(path)) return;
  atStart.add(path);
  for (const i of split.metafile.outputs[path]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
};
// Every module loaded by import() is an entry point of its own in the metafile: start from the page's.
visit(Object.keys(split.metafile.outputs).find((p) => split.metafile.outputs[p].entryPoint === relative(root, replyPage)));
const startGzip = gzip(Buffer.concat([...atStart].map((p) => files.get(p))));
const lazy = [...files.keys()].filter((p) => !atStart.has(p) && p.endsWith('.js'));
console.log(`replyToThread + getThread page, loaded at start (code splitting): ${fmt(startGzip)} bytes gzip in ${atStart.size} file(s) (budget ${fmt(BUDGET_BYTES)})`);
console.log(`  loaded when a workflow method is first called: ${lazy.length} chunks, ${fmt(lazy.reduce((n, p) => n + gzip(files.get(p)), 0))} bytes gzip in all`);
console.log(`  the same page as one file with every operation inlined: ${fmt(gzip(inlined.outputFiles[0].contents))} bytes gzip`);
if (startGzip > BUDGET_BYTES) problems.push(`${fmt(startGzip)} bytes gzip loaded at start is over the budget of ${fmt(BUDGET_BYTES)}.`);

for (const p of problems) console.error(`size-request: ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
