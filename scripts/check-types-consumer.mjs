#!/usr/bin/env node
// A Node consumer's view of the published package: `npm run check:types-consumer` (`--no-build` reuses dist/,
// `--keep` keeps the project).
//
// Packs plain-client, installs the tarball with TypeScript and @types/node (the versions this repository uses) and
// nothing else: no msw, which is an optional peer. Then:
// - types: `tsc` compiles files that import every entry in package.json `exports`, with no DOM lib
//   (`lib: ["ES2022"]`, `types: ["node"]`) and `skipLibCheck: false`, under moduleResolution node16 (an ESM file and a
//   CJS file, so both .d.ts and .d.cts are read) and bundler;
// - run time: every entry imports (ESM) and requires (CJS), and a reply through `plain-client/testing`'s fake works.
// Entries whose subpath names msw (e.g. `./testing/msw`) exist to be used with msw, so they are left out.
//
// The project lives in the OS temp dir, not in this repository's .tmp/: from inside the repository, Node and
// TypeScript would find msw (and everything else) in the repository's own node_modules by walking up, and the check
// would pass for a consumer who does not exist.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
const versionOf = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entries = Object.keys(pkg.exports ?? {})
  .filter((subpath) => subpath !== './package.json' && !/\bmsw\b/.test(subpath))
  .map((subpath) => `${pkg.name}${subpath.slice(1)}`);

const problems = [];
const dir = mkdtempSync(join(tmpdir(), 'plain-client-types-'));
try {
  if (!process.argv.includes('--no-build')) execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
  const tarball = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root))[0].filename;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'types-consumer', private: true }, null, 2)}\n`);
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      join(dir, tarball),
      `typescript@${versionOf('typescript')}`,
      `@types/node@${versionOf('@types/node')}`,
    ],
    dir,
  );

  // Types. Each entry is imported as a namespace and its type is used, so every declaration file it reaches is read.
  const names = entries.map((_, i) => `entry${i}`);
  const esm = [
    ...entries.map((spec, i) => `import * as ${names[i]} from '${spec}';`),
    `export type Entries = [${names.map((n) => `typeof ${n}`).join(', ')}];`,
    '',
  ].join('\n');
  const cjs = [
    ...entries.map((spec, i) => `import ${names[i]} = require('${spec}');`),
    `export type Entries = [${names.map((n) => `typeof ${n}`).join(', ')}];`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'entries-esm.mts'), esm);
  writeFileSync(join(dir, 'entries-cjs.cts'), cjs);
  writeFileSync(join(dir, 'entries-bundler.ts'), esm);
  const common = {
    lib: ['ES2022'],
    types: ['node'],
    skipLibCheck: false,
    strict: true,
    noEmit: true,
    target: 'ES2022',
  };
  const configs = {
    'node16 (ESM and CJS)': {
      compilerOptions: { ...common, module: 'node16', moduleResolution: 'node16' },
      files: ['entries-esm.mts', 'entries-cjs.cts'],
    },
    bundler: {
      compilerOptions: { ...common, module: 'esnext', moduleResolution: 'bundler' },
      files: ['entries-bundler.ts'],
    },
  };
  for (const [label, config] of Object.entries(configs)) {
    const file = `tsconfig.${label.split(' ')[0]}.json`;
    writeFileSync(join(dir, file), JSON.stringify(config, null, 2));
    const tsc = spawnSync(join(dir, 'node_modules', '.bin', 'tsc'), ['-p', file], { cwd: dir, encoding: 'utf8' });
    const output = `${tsc.stdout}${tsc.stderr}`.trim();
    if (tsc.status === 0) {
      console.log(`types, moduleResolution ${label}, lib ES2022 without DOM, skipLibCheck false: ok`);
    } else {
      console.log(`types, moduleResolution ${label}: tsc failed\n${output.replace(/^/gm, '  ')}`);
      problems.push(
        `tsc with moduleResolution ${label} failed (${output.split('\n').filter((l) => /error TS/.test(l)).length} errors)`,
      );
    }
  }

  // Run time, ESM and CJS: msw must really be absent, every entry must load, and the fake must answer a reply.
  const runtime = (load) => `
let mswFound = true;
try { require.resolve('msw'); } catch { mswFound = false; }
if (mswFound) throw new Error('msw is resolvable from the consumer: this check would prove nothing');
const failures = [];
for (const spec of ${JSON.stringify(entries)}) {
  try { ${load('spec')}; } catch (error) { failures.push(spec + ': ' + String(error.message).split('\\n')[0]); }
}
if (failures.length > 0) { console.log(failures.join('\\n')); process.exit(1); }
const { PlainClient } = ${load(JSON.stringify(pkg.name))};
const { createFakePlain } = ${load(JSON.stringify(`${pkg.name}/testing`))};
const fake = createFakePlain();
const thread = fake.addThread({ channel: 'EMAIL' });
const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
const result = await plain.replyToThread({ threadId: thread.id, textContent: 'hello from a consumer without msw' });
if (!result.ok || fake.messages(thread.id).length !== 1) { console.log('the reply failed: ' + JSON.stringify(result)); process.exit(1); }
console.log('ok');
`;
  writeFileSync(
    join(dir, 'run-esm.mjs'),
    `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${runtime((s) => `await import(${s})`)}`,
  );
  writeFileSync(
    join(dir, 'run-cjs.cjs'),
    `(async () => {${runtime((s) => `require(${s})`)}})().catch((error) => { console.log(String(error)); process.exit(1); });\n`,
  );
  for (const [label, file] of [
    ['ESM', 'run-esm.mjs'],
    ['CJS', 'run-cjs.cjs'],
  ]) {
    const child = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
    const output = `${child.stdout}${child.stderr}`.trim();
    if (child.status === 0 && output === 'ok') {
      console.log(`run time, ${label}: ${entries.join(', ')} load without msw; a reply through the fake: ok`);
    } else {
      console.log(`run time, ${label}: failed\n${output.replace(/^/gm, '  ')}`);
      problems.push(`${label} consumer without msw failed: ${output.split('\n')[0]}`);
    }
  }
} finally {
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

for (const p of problems) console.error(`check:types-consumer: ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
