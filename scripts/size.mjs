// Size budget of plain-client in a browser: `npm run size` (add `--no-build` to reuse dist/, `--json` for one line
// of JSON instead of the report, as `npm run bench` reads it).
//
// Bundles a tiny page entry (construct PlainClient, call replyToThread and getThread) the way a consumer's bundler
// ships an app: esbuild --bundle --splitting --minify --platform=browser --format=esm, resolving `plain-client` through
// package.json `exports` as after an install, all dependencies included. The figure is gzip -9 of what the page loads
// at start (its entry chunk and the chunks that imports): the workflow methods' modules are chunks loaded when one of
// them is first called, so a page that does not call them never downloads them. The single-file bundle (every
// dynamic import inlined) is printed beside it.
// Prints the figure and a per-package breakdown, and exits 1 over budget or when something that must stay out
// (graphql, graphql-request, plain-client/proxy, plain-client/testing) got in. Size is deterministic, so CI can run it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * The issues' budget is 15 KB (15,000 bytes). It is not met: the page loads 16,344 bytes at start (17,664 before a
 * trimming pass; about 5 KB of it is zod/mini, the reply's input validation). This ceiling is a ratchet that stops it
 * growing while the 15 KB budget stays open (CHANGELOG, "Known gaps"); lower it as the page shrinks.
 */
const ISSUE_BUDGET_BYTES = 15_000;
const BUDGET_BYTES = 16_500;
const JSON_OUTPUT = process.argv.includes('--json');

/** What the page does with plain-client: build a client for a backend proxy, reply to a thread, read a thread. */
const PAGE = `const plain = new PlainClient({ apiUrl: new URL('/api/plain', location.origin).href, credentials: 'include' });
plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' }).then((result) => console.log(result));
plain.getThread('th_1').then((result) => console.log(result));
`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.tmp', 'size');

if (!process.argv.includes('--no-build')) {
  execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
}

// A consumer's project: node_modules/plain-client is this package, so `exports` is honoured as after an install.
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'node_modules'), { recursive: true });
symlinkSync(root, join(work, 'node_modules', 'plain-client'), 'dir');
const entry = join(work, 'entry.js');
writeFileSync(entry, `import { PlainClient } from 'plain-client';\n${PAGE}`);

const common = {
  bundle: true,
  minify: true,
  platform: 'browser',
  format: 'esm',
  metafile: true,
  write: false,
  logLevel: 'error',
};
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const fmt = (n) => n.toLocaleString('en-US');

/** Groups a metafile's output bytes by package (node_modules/<name>) or by our own folder. */
function byPackage(metafile) {
  const [output] = Object.values(metafile.outputs);
  const groups = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
    const name = pkg ?? (path.includes('/entry.js') || path === 'entry.js' ? 'entry' : 'plain-client (src/)');
    groups.set(name, (groups.get(name) ?? 0) + bytesInOutput);
  }
  return [...groups].sort((a, b) => b[1] - a[1]);
}

// 1. The figure: what a consumer's page loads at start.
const split = await build({
  ...common,
  entryPoints: [entry],
  absWorkingDir: work,
  splitting: true,
  outdir: join(work, 'split'),
});
const outputs = new Map(split.outputFiles.map((f) => [relative(work, f.path), f.contents]));
// The page's own entry: each operation's module (a dynamic import) is an entry point of the split build too, and
// which of them came first in the metafile depended on content hashes.
const [entryOutput] = Object.entries(split.metafile.outputs).find(([, o]) => o.entryPoint === 'entry.js') ?? [];
const atStart = new Set();
const visit = (name) => {
  if (atStart.has(name)) return;
  atStart.add(name);
  for (const i of split.metafile.outputs[name]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
};
visit(entryOutput);
const startFiles = [...atStart].map((name) => outputs.get(name) ?? new Uint8Array());
const code = { length: startFiles.reduce((sum, f) => sum + f.length, 0) };
const gz = startFiles.reduce((sum, f) => sum + gzip(f), 0);
const inputs = Object.keys(split.metafile.inputs);
const single = await build({ ...common, entryPoints: [entry], absWorkingDir: work, outfile: join(work, 'out.js') });
const singleGz = gzip(single.outputFiles[0].contents);

// 2. The breakdown: the same entry from source, so bytes are attributed per package.
const fromSource = await build({
  ...common,
  stdin: {
    contents: `import { PlainClient } from './src/index.ts';\n${PAGE}`,
    resolveDir: root,
    sourcefile: 'entry.js',
    loader: 'ts',
  },
  absWorkingDir: root,
  outfile: join(work, 'from-source.js'),
});

const problems = [];
if (gz > BUDGET_BYTES) problems.push(`${fmt(gz)} bytes gzip is over the budget of ${fmt(BUDGET_BYTES)}.`);
const forbidden = inputs.filter((p) =>
  /node_modules\/graphql(-request)?\/|dist\/(proxy|testing)|src\/(proxy|testing)\//.test(p),
);
if (forbidden.length > 0) problems.push(`These must not be in the browser bundle: ${forbidden.join(', ')}`);
if (!inputs.some((p) => p.endsWith('dist/index.js')))
  problems.push('The bundle did not resolve plain-client to dist/index.js: check `exports` in package.json.');

if (JSON_OUTPUT) {
  const breakdown = Object.fromEntries(byPackage(fromSource.metafile));
  console.log(
    JSON.stringify({
      minifiedBytes: code.length,
      gzipBytes: gz,
      singleFileGzipBytes: singleGz,
      budgetBytes: BUDGET_BYTES,
      issueBudgetBytes: ISSUE_BUDGET_BYTES,
      breakdown,
      problems,
    }),
  );
} else {
  console.log(`plain-client browser bundle (construct PlainClient, replyToThread and getThread, all dependencies):`);
  console.log(
    `  loaded at start: ${fmt(code.length)} bytes minified in ${atStart.size} file(s), ${fmt(gz)} bytes gzip -9   (ceiling ${fmt(BUDGET_BYTES)} bytes gzip; the issues' budget of ${fmt(ISSUE_BUDGET_BYTES)} is not met yet)`,
  );
  console.log(`  as one file with every operation inlined: ${fmt(singleGz)} bytes gzip -9 (not budgeted)`);
  const resolved = inputs.filter((p) => p.includes('plain-client') || p.includes('dist/'));
  console.log(`  resolved: ${resolved.map((p) => relative(work, join(work, p))).join(', ')}`);
  console.log(`Breakdown (minified bytes per package, same entry bundled from source):`);
  for (const [name, bytes] of byPackage(fromSource.metafile)) console.log(`  ${fmt(bytes).padStart(7)}  ${name}`);
  for (const p of problems) console.error(`size: ${p}`);
}
process.exit(problems.length > 0 ? 1 : 0);
