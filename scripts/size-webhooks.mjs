// Size budget of plain-client/webhooks on a browser or edge runtime: `npm run size:webhooks` (add `--no-build` to
// reuse dist/).
//
// Bundles, as a consumer's bundler would (esbuild --bundle --minify --platform=browser --format=esm, resolving
// `plain-client/webhooks` through package.json `exports` after an install), (1) everything the entry exports and
// (2) verifyWebhook alone, then gzip -9. Exits 1 over the budget, or when the bundle imports any `node:` module or
// Node built-in (it must run on Workers, Vercel Edge, Deno and in browsers as it is).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** 4 KB, read as 4,000 bytes (the stricter reading of "KB"). */
const BUDGET_BYTES = 4_000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.tmp', 'size-webhooks');

if (!process.argv.includes('--no-build')) {
  execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
}

rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'node_modules'), { recursive: true });
symlinkSync(root, join(work, 'node_modules', 'plain-client'), 'dir');

// The budget applies to what a browser or edge app can use: everything but toNodeHandler (Node's http only) and
// signWebhook (for tests). The whole entry and verifyWebhook alone are reported beside it.
const entries = {
  'an edge app (webhookHandler, verifyWebhook, verifySignature, messageOf, isFromCustomer, isKnownEvent, createMemorySeenStore)': `export { webhookHandler, verifyWebhook, verifySignature, messageOf, isFromCustomer, isKnownEvent, createMemorySeenStore } from 'plain-client/webhooks';`,
  'the whole entry (with toNodeHandler and signWebhook)': `export * from 'plain-client/webhooks';`,
  'verifyWebhook alone': `import { verifyWebhook } from 'plain-client/webhooks';
export default (request) => request.text().then((body) => verifyWebhook({ body, signature: request.headers.get('plain-request-signature'), secret: 's' }));`,
};

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const problems = [];
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const fmt = (n) => n.toLocaleString('en-US');
let first = true;
console.log('plain-client/webhooks bundled for a browser/edge target (esbuild, minified, gzip -9):');
for (const [name, contents] of Object.entries(entries)) {
  const file = join(work, `entry-${Object.keys(entries).indexOf(name)}.js`);
  writeFileSync(file, contents);
  // Every import left external is listed, so that a Node built-in cannot hide behind `external`.
  const external = [];
  const result = await build({
    entryPoints: [file],
    absWorkingDir: work,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-node-imports',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (nodeBuiltins.has(args.path)) {
              external.push(args.path);
              return { path: args.path, external: true };
            }
            return undefined;
          });
        },
      },
    ],
  }).catch((error) => ({ error }));
  if ('error' in result) {
    problems.push(`${name}: esbuild failed for a browser target: ${result.error.message}`);
    continue;
  }
  const code = result.outputFiles[0].contents;
  const gz = gzip(code);
  const inputs = Object.keys(result.metafile.inputs);
  console.log(`  ${fmt(gz).padStart(6)} bytes gzip (${fmt(code.length)} minified)  ${name}`);
  if (first && gz > BUDGET_BYTES) problems.push(`${fmt(gz)} bytes gzip is over the budget of ${fmt(BUDGET_BYTES)}.`);
  if (external.length > 0) problems.push(`${name}: imports Node built-ins: ${[...new Set(external)].join(', ')}`);
  if (!inputs.some((p) => p.endsWith('dist/webhooks.js')))
    problems.push(`${name}: did not resolve to dist/webhooks.js: check \`exports\` in package.json.`);
  const forbidden = inputs.filter((p) => /dist\/(index|proxy|testing)\.js|node_modules\/(zod|msw|graphql)/.test(p));
  if (forbidden.length > 0) problems.push(`${name}: must not pull in ${forbidden.join(', ')}`);
  first = false;
}
// The published files themselves, CJS included: no `node:` specifier anywhere.
for (const file of ['dist/webhooks.js', 'dist/webhooks.cjs']) {
  if (/["']node:/.test(readFileSync(join(root, file), 'utf8'))) problems.push(`${file} mentions a node: module.`);
}
console.log(`  budget: ${fmt(BUDGET_BYTES)} bytes gzip for an edge app; no node: import in any.`);
for (const p of problems) console.error(`size:webhooks: ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
