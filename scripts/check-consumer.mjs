// A browser consumer's view of the published package: `npm run check:consumer`.
//
// Packs plain-client (npm pack), installs the tarball into a new project in the OS temp dir (outside this repo, so
// nothing resolves through our own node_modules), and bundles a tiny page that uses PlainClient with esbuild
// (--platform=browser) and with Vite (`vite build`, this repo's Vite 8). Fails when either bundler warns or errors
// about a Node built-in (node:*, http, stream...), when Vite warns at all, or when a bundle holds code that must
// stay out of browsers: graphql's parser, plain-client/proxy, plain-client/testing.
// Needs the npm registry (or a warm npm cache) for the tarball's dependencies.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { createLogger, build as viteBuild } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const dir = mkdtempSync(join(tmpdir(), 'plain-client-consumer-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const problems = [];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const mentionsBuiltin = (text) =>
  /externalized for browser compatibility|node:[a-z_/]+|Node\.js built-?in|platform=node/i.test(text) ||
  [...text.matchAll(/["'`]([a-z_:/]+)["'`]/g)].some(([, name]) => builtins.has(name));

/** Strings only graphql's parser/lexer, our proxy or the fake carry: none may reach a browser bundle. */
const MUST_STAY_OUT = [
  ['graphql parser', 'Syntax Error: Unexpected'],
  ['plain-client/proxy', 'forwards only plain-client'],
  ['plain-client/testing', 'createFakePlain'],
];
function checkBundle(name, code) {
  for (const [what, marker] of MUST_STAY_OUT) {
    if (code.includes(marker)) problems.push(`${name}: the bundle contains ${what}.`);
  }
}

try {
  if (!process.argv.includes('--no-build')) execFileSync('npx', ['tsup', '--silent'], { cwd: root, stdio: 'inherit' });
  const tarball = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root))[0].filename;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', join(dir, tarball)], dir);

  writeFileSync(
    join(dir, 'main.js'),
    `import { PlainClient } from 'plain-client';
const plain = new PlainClient({ apiUrl: new URL('/api/plain', location.origin).href, credentials: 'include' });
document.querySelector('#send').addEventListener('click', async () => {
  const result = await plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' });
  document.querySelector('#out').textContent = result.ok ? 'sent' : result.error.message;
});
`,
  );
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><body><button id="send">Send</button><p id="out"></p><script type="module" src="/main.js"></script></body></html>`,
  );

  // esbuild, as a consumer would call it.
  try {
    const result = await esbuild({
      absWorkingDir: dir,
      entryPoints: ['main.js'],
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      outfile: 'out.js',
      logLevel: 'silent',
    });
    for (const w of result.warnings) {
      problems.push(`esbuild warned${mentionsBuiltin(w.text) ? ' about a Node built-in' : ''}: ${w.text}`);
    }
    checkBundle('esbuild', result.outputFiles[0].text);
    console.log(`esbuild: ${result.warnings.length} warnings, ${result.outputFiles[0].contents.length} bytes minified`);
  } catch (error) {
    for (const e of error.errors ?? [error]) problems.push(`esbuild failed: ${e.text ?? e.message}`);
  }

  // Vite 8 (`vite build`), with its log captured: it reports Node built-ins as "externalized for browser compatibility".
  const logger = createLogger('info', { allowClearScreen: false });
  const viteWarnings = [];
  const capture = (level) => (msg, options) => {
    viteWarnings.push(`${level}: ${msg}`);
    logger[level](msg, options);
  };
  try {
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: 'warn',
      customLogger: { ...logger, warn: capture('warn'), warnOnce: capture('warn'), error: capture('error') },
      build: { outDir: join(dir, 'dist'), emptyOutDir: true },
    });
  } catch (error) {
    problems.push(`vite build failed: ${error.message}`);
  }
  for (const w of viteWarnings)
    problems.push(`vite ${mentionsBuiltin(w) ? 'warned about a Node built-in' : 'warned'}: ${w}`);
  const assets = join(dir, 'dist', 'assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  for (const file of js) checkBundle(`vite (${file})`, readFileSync(join(assets, file), 'utf8'));
  console.log(`vite: ${viteWarnings.length} warnings, ${js.length} JS asset(s)`);
} finally {
  if (keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

for (const p of problems) console.error(`check:consumer: ${p}`);
console.log(
  problems.length === 0 ? 'check:consumer: no warnings; nothing Node-only or server-only in the browser bundles.' : '',
);
process.exit(problems.length > 0 ? 1 : 0);
