#!/usr/bin/env node
// After `npm run build`: packs the package as npm would publish it and uses it from a consumer project,
// with `import` and with `require`, main entry and `plain-client/testing`; checks the main entry never loads msw.
// Then publint and arethetypeswrong judge the package.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const run = (cmd, args, cwd = '.') =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const fail = (message) => {
  console.error(`check-package: ${message}`);
  process.exit(1);
};

// The consumer lives inside the repository so that plain-client's own dependencies resolve from ./node_modules.
const consumer = join('.tmp', 'consumer');
rmSync(consumer, { recursive: true, force: true });
mkdirSync(join(consumer, 'node_modules', 'plain-client'), { recursive: true });
const tarball = run('npm', ['pack', '--silent', '--pack-destination', consumer]).trim().split('\n').pop();
run('tar', ['-xzf', tarball, '-C', 'node_modules/plain-client', '--strip-components=1'], consumer);

const packed = run('tar', ['-tzf', join(consumer, tarball)])
  .split('\n')
  .filter(Boolean);
const unexpected = packed.filter((f) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE$)/.test(f));
if (unexpected.length) fail(`the tarball holds files it should not: ${unexpected.join(', ')}`);

const scenario = (load) => `
${load}
const fake = createFakePlain();
const thread = fake.addThread({ channel: 'EMAIL' });
const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
const result = await plain.replyToThread({ threadId: thread.id, textContent: 'hello from a consumer' });
if (!result.ok || fake.messages(thread.id).length !== 1) throw new Error('reply failed: ' + JSON.stringify(result));
console.log('ok');
`;
writeFileSync(
  join(consumer, 'esm.mjs'),
  scenario(`import { PlainClient } from 'plain-client';\nimport { createFakePlain } from 'plain-client/testing';`),
);
writeFileSync(
  join(consumer, 'cjs.cjs'),
  `(async () => {${scenario(`const { PlainClient } = require('plain-client');\nconst { createFakePlain } = require('plain-client/testing');`)}})().catch((e) => { console.error(e); process.exit(1); });`,
);
for (const file of ['esm.mjs', 'cjs.cjs']) {
  const out = run('node', [file], consumer).trim();
  if (out !== 'ok') fail(`${file} printed ${out}`);
  console.log(`consumer ${file}: import, reply through the fake: ok`);
}

// The main entry and what it imports from dist must not mention msw (the testing entry may).
const mainFiles = [
  ...new Set([...readFileSync('dist/index.js', 'utf8').matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1])),
];
for (const file of ['index.js', 'index.cjs', ...mainFiles]) {
  if (/\bmsw\b/.test(readFileSync(join('dist', file), 'utf8')))
    fail(`dist/${file} refers to msw: the main entry must not load it`);
}
console.log(`main entry (${['index.js', 'index.cjs', ...mainFiles].join(', ')}) does not load msw: ok`);

execFileSync('npx', ['--no-install', 'publint', '--strict'], { stdio: 'inherit' });
execFileSync('npx', ['--no-install', 'attw', '--pack', '.', '--profile', 'node16'], { stdio: 'inherit' });
rmSync(consumer, { recursive: true, force: true });
