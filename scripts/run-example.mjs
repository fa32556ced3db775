#!/usr/bin/env node
// npm run example -- <name>: runs examples/<name>.ts (or the vitest file <name>.test.ts).
// With no name it lists the examples, then runs reply-to-thread.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = readdirSync(join(root, 'examples')).filter(
  (f) => f.endsWith('.ts') && !f.startsWith('_') && f !== 'vitest.config.ts',
);
const examples = new Map(files.map((f) => [f.replace(/(\.test)?\.ts$/, ''), f]));

let name = process.argv[2];
if (!name) {
  console.log(`Examples (npm run example -- <name>): ${[...examples.keys()].join(', ')}\nRunning reply-to-thread:\n`);
  name = 'reply-to-thread';
}
const file = examples.get(name);
if (!file) {
  console.error(`No example "${name}". Choose one of: ${[...examples.keys()].join(', ')}`);
  process.exit(2);
}
const bin = (tool) => join(root, 'node_modules', '.bin', tool);
const run = file.endsWith('.test.ts')
  ? spawnSync(bin('vitest'), ['run', '--config', 'examples/vitest.config.ts', `examples/${file}`], {
      cwd: root,
      stdio: 'inherit',
    })
  : spawnSync(bin('tsx'), ['--tsconfig', 'examples/tsconfig.json', `examples/${file}`], {
      cwd: root,
      stdio: 'inherit',
    });
process.exit(run.status ?? 1);
