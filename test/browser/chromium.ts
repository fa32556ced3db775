// Set-up the Chromium tests share: the browser itself, the page's bundle of the built package, and the page's own
// backend on 127.0.0.1 (the page, its bundle, and the route the test's proxy answers on).
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// toolchain.md §5: without the background-networking flags Chromium keeps dialling Google on this closed network.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Throws when there is no Chromium or no build (dist/) to test; `npm run test:browser` builds first. */
export function requireChromiumAndBuild(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  if (!existsSync(join(root, 'dist', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` (npm run test:browser does).');
}

/** A headless Chromium, started with the flags that keep it off the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * The page's code: the built package's `PlainClient`, resolved through package.json `exports` as a consumer's bundler
 * would. `workDir` is the test's own directory under .tmp/: the browser tests bundle their pages at the same time.
 */
export async function bundlePage(workDir: string): Promise<string> {
  const work = join(root, '.tmp', workDir);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'node_modules'), { recursive: true });
  symlinkSync(root, join(work, 'node_modules', 'plain-client'), 'dir');
  const result = await build({
    stdin: { contents: `export { PlainClient } from 'plain-client';`, resolveDir: work, sourcefile: 'page.js' },
    absWorkingDir: work,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    metafile: true,
    write: false,
    outfile: join(work, 'app.js'),
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs);
  if (!inputs.some((p) => p.endsWith('dist/index.js')))
    throw new Error(`the page did not get dist/index.js: ${inputs.join(', ')}`);
  return result.outputFiles[0]?.text ?? '';
}

export interface PageBackend {
  origin: string;
  close: () => Promise<void>;
}

/**
 * The page's own backend on 127.0.0.1: `/` is the page (it sets the `session=sess-ada` cookie and puts the bundle's
 * `PlainClient` on `window`), `/app.js` the bundle, and `/api/plain` goes to `proxy`.
 */
export async function startPageBackend(
  bundle: string,
  proxy: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<PageBackend> {
  const server = createServer((req, res) => {
    if (req.url === '/api/plain') return void proxy(req, res);
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      return;
    }
    if (req.url === '/') {
      res
        .writeHead(200, {
          'content-type': 'text/html',
          'set-cookie': 'session=sess-ada; HttpOnly; SameSite=Strict; Path=/',
        })
        .end(
          '<!doctype html><title>portal</title><script type="module">import { PlainClient } from "/app.js"; window.PlainClient = PlainClient;</script>',
        );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
