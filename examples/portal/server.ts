// The support portal's backend: the fake of Plain, a Node server that mounts createPlainProxy for one signed-in
// customer, and the page (page.html + page.ts, bundled with esbuild). `npm run example -- portal` starts it;
// test/browser/portal.test.ts drives it in Chromium.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
// In your backend: 'plain-client', 'plain-client/proxy' and 'plain-client/testing'. Imported from the source here:
// this server also runs in the repository's browser test and typecheck, where the package's name is not mapped.
import { PlainClient } from '../../src/index.js';
import { createPlainProxy, toNodeHandler } from '../../src/proxy/index.js';
import { createFakePlain, type FakePlain } from '../../src/testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

export interface PortalOptions {
  /** Port on 127.0.0.1. @default 0 (any free port) */
  port?: number;
  /**
   * Which plain-client the page is bundled from: `'source'` (src/index.ts, no build needed) or `'build'` (dist/, the
   * package's browser build as a consumer gets it; run `npm run build` first). @default 'source'
   */
  client?: 'source' | 'build';
}

/** What the fake holds, for a test to look for (or to make sure it never shows). */
export interface PortalSeed {
  customer: { id: string; externalId: string; email: string };
  /** The signed-in customer's threads: an email conversation (with a note and a Bcc), and a chat. */
  threads: { email: string; chat: string };
  /** Another customer's thread: the portal must refuse it. */
  othersThread: string;
  /** The internal note's text on the email thread. */
  noteText: string;
  /** The Bcc recipient of the staff reply on the email thread. */
  bccEmail: string;
}

export interface Portal {
  /** The page; open it in a browser. */
  url: string;
  fake: FakePlain;
  seed: PortalSeed;
  close(): Promise<void>;
}

/** Bundles page.ts for the browser, with `plain-client` taken from the source or from dist/. */
async function bundlePage(client: 'source' | 'build'): Promise<string> {
  const entry = client === 'source' ? join(root, 'src', 'index.ts') : join(root, 'dist', 'index.js');
  const result = await build({
    entryPoints: [join(here, 'page.ts')],
    alias: { 'plain-client': entry },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const [output] = result.outputFiles;
  const inputs = Object.keys(result.metafile.inputs);
  if (!output || !inputs.some((input) => resolve(input) === entry))
    throw new Error(`The portal page was not bundled from ${entry}: ${inputs.join(', ')}`);
  return output.text;
}

/** The fake of Plain with one customer's conversation in it: their messages, a staff reply with a Bcc, a note. */
async function seedFake(fake: FakePlain): Promise<PortalSeed> {
  const staff = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
  const ada = fake.addCustomer({ externalId: 'user-42', email: 'ada@customer.example', fullName: 'Ada Lovelace' });
  const grace = fake.addCustomer({ externalId: 'user-7', email: 'grace@customer.example', fullName: 'Grace Hopper' });
  const noteText = 'Internal: refund approved by finance, wait for the ticket before telling the customer.';
  const bccEmail = 'security-team@support-internal.example';

  const { thread: email } = await fake.customerWrites({
    customer: ada.id,
    channel: 'EMAIL',
    title: 'I cannot log in',
    text: 'Hello, since this morning the login page says my password is wrong.',
  });
  const replied = await staff.replyToThread({
    threadId: email.id,
    textContent: 'Sorry about that! We have reset your session: please try again and tell us if it still fails.',
    channelSpecificOptions: { email: { hiddenRecipients: [{ email: bccEmail, name: 'Security team' }] } },
  });
  const noted = await staff.createNote({ customerId: ada.id, threadId: email.id, text: noteText });
  if (!replied.ok || !noted.ok) throw new Error('The portal could not seed the fake of Plain.');
  await fake.customerWrites({ threadId: email.id, text: 'It works again, thank you!' });

  const { thread: chat } = await fake.customerWrites({
    customer: ada.id,
    channel: 'CHAT',
    title: 'A question about my invoice',
    text: 'Can I get my invoices as PDF?',
  });
  const { thread: others } = await fake.customerWrites({
    customer: grace.id,
    channel: 'EMAIL',
    title: 'Order 7781',
    text: 'Grace here: my order 7781 has not arrived.',
  });
  return {
    customer: { id: ada.id, externalId: 'user-42', email: ada.email },
    threads: { email: email.id, chat: chat.id },
    othersThread: others.id,
    noteText,
    bccEmail,
  };
}

/** Starts the fake of Plain, the proxy and the page on 127.0.0.1. */
export async function startPortal(options: PortalOptions = {}): Promise<Portal> {
  const page = await bundlePage(options.client ?? 'source');
  const html = readFileSync(join(here, 'page.html'), 'utf8');

  const fake = createFakePlain();
  const seed = await seedFake(fake);
  const plainServer = await fake.listen();

  // The portal's own sign-in, reduced to one customer: opening the page signs them in with a session cookie. A real
  // backend would look the session up in its store and the customer's threads up in its database.
  const sessions = new Map<string, { externalId: string; name: string; threadIds: string[] }>();
  const sessionOf = (cookie: string | null | undefined) =>
    sessions.get(/(?:^|;\s*)portal_session=([^;]+)/.exec(cookie ?? '')?.[1] ?? '');

  const proxy = toNodeHandler(
    createPlainProxy({
      apiKey: fake.apiKey,
      apiUrl: plainServer.url,
      // Files the page attaches: at most 2 MiB each from this portal (Plain's own limit per type is higher).
      maxUploadBytes: 2 * 1024 * 1024,
      authorize: (request) => {
        const session = sessionOf(request.headers.get('cookie'));
        if (!session) return Response.json({ errors: [{ message: 'Sign in first.' }] }, { status: 401 });
        return { threads: session.threadIds, impersonate: { externalId: session.externalId } };
      },
    }),
  );

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/api/plain') return void proxy(req, res);
    if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end();
    if (path === '/') {
      const token = randomUUID();
      sessions.set(token, {
        externalId: seed.customer.externalId,
        name: 'Ada Lovelace',
        threadIds: [seed.threads.email, seed.threads.chat],
      });
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'set-cookie': `portal_session=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return void res.end(html);
    }
    if (path === '/page.js') {
      return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(page);
    }
    if (path === '/api/session') {
      // What the page needs to start: who is signed in and which threads are theirs.
      const session = sessionOf(req.headers.cookie);
      if (!session)
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Sign in first."}');
      const body = JSON.stringify({ name: session.name, threadIds: session.threadIds });
      return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    fake,
    seed,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await plainServer.close();
    },
  };
}
