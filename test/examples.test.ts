import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Runs `npm run example -- <name>` as a newcomer would, without a Plain key. */
function runExample(name?: string): Promise<{ code: number | null; out: string }> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('PLAIN_')) delete env[key];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/run-example.mjs', ...(name ? [name] : [])], { env });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const names = readdirSync('examples')
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_') && f !== 'vitest.config.ts')
  .map((f) => f.replace(/(\.test)?\.ts$/, ''));

describe('every example runs against the fake on a fresh machine', () => {
  it('there are the ten examples the README lists', () => {
    expect(names.sort()).toEqual([
      'after-the-reply',
      'email-cc-bcc',
      'hand-off',
      'handle-every-error',
      'impersonate-customer',
      'portal',
      'reply-by-ref',
      'reply-to-thread',
      'reply-with-file',
      'support-bot',
      'test-with-the-fake',
    ]);
  });

  // The portal is a server that runs until stopped: its own test below.
  for (const name of names.filter((n) => n !== 'test-with-the-fake' && n !== 'portal')) {
    it(name, async () => {
      const { code, out } = await runExample(name);
      expect(out.split('\n')[0]).toBe(
        "Talking to plain-client's built-in fake of Plain (set PLAIN_API_KEY to use your workspace).",
      );
      expect(code, out).toBe(0);
    });
  }

  it('test-with-the-fake passes its own tests', async () => {
    const { code, out } = await runExample('test-with-the-fake');
    expect(out).toMatch(/3 passed/);
    expect(code, out).toBe(0);
  });

  it('with no name, lists the examples and runs reply-to-thread', async () => {
    const { code, out } = await runExample();
    expect(out).toContain(
      'Examples (npm run example -- <name>): after-the-reply, email-cc-bcc, hand-off, handle-every-error',
    );
    expect(out).toMatch(/Replied on EMAIL thread th_\w+/);
    expect(code).toBe(0);
  });

  it('an unknown name says which exist', async () => {
    const { code, out } = await runExample('nope');
    expect(out).toContain('No example "nope"');
    expect(code).toBe(2);
  });
});

it('handle-every-error shows each failure as a support engineer would log it', async () => {
  const { out } = await runExample('handle-every-error');
  expect(out).toContain('bad input          -> invalid_input: Fix the input: textContent must not be empty');
  expect(out).toContain('a Discord thread   -> cannot_reply_to_thread');
  expect(out).toContain('connection lost    -> network: Network failure, check the thread before retrying');
  expect(out).toMatch(/rate limit\s+-> rate_limited: Rate limited; retry in \d+ s/);
});

it('support-bot answers the customer once per message, skips its own echoes and the redelivery', async () => {
  const { code, out } = await runExample('support-bot');
  expect(code, out).toBe(0);
  expect(out).toContain('webhook thread.email_received: the customer wrote "I cannot log in to my account"');
  expect(out).toContain('webhook thread.email_sent: not from a customer, skipped');
  expect(out).toContain('redelivery answered 200; the bot replied 0 more times.');
  expect(out).toMatch(
    /customer: I cannot log in to my account\n\s+bot\s+: I have sent you a password reset link\. Does that help\?\n\s+customer: Also, can I change my plan\?\n\s+bot\s+: Thanks for writing!/,
  );
});

it('after-the-reply replies, then marks the thread HANDLED and done', async () => {
  const { code, out } = await runExample('after-the-reply');
  expect(code, out).toBe(0);
  expect(out).toMatch(/Replied on CHAT thread th_\w+\.\nThread T-1 is now DONE\./);
});

it("hand-off runs Plain's documented steps in order and leaves the thread TODO", async () => {
  const { code, out } = await runExample('hand-off');
  expect(code, out).toBe(0);
  expect(out).toContain(
    'Handed off thread T-1: createNote -> updateThreadAgentStatus -> unassignThread -> markThreadAsTodo. It is TODO again.',
  );
});

it('portal serves the page, the session and the customer view of the timeline until it is stopped', async () => {
  // Its own process group, so that stopping it stops npm's children too.
  const child = spawn(process.execPath, ['scripts/run-example.mjs', 'portal'], { detached: true });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const found = /Support portal for \S+: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
        if (found) resolve(found);
      });
      child.stderr.on('data', (chunk) => (out += chunk));
      child.on('close', () => reject(new Error(`the portal stopped before printing its URL:\n${out}`)));
    });
    expect(out.split('\n')[0]).toBe(
      "Talking to plain-client's built-in fake of Plain (always, in this example: it seeds the conversations).",
    );

    const home = await fetch(url);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<form id="reply"');
    const cookie = (home.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^portal_session=/);
    expect((await fetch(`${url}page.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${url}api/session`)).status).toBe(401);
    const session = (await (await fetch(`${url}api/session`, { headers: { cookie } })).json()) as {
      threadIds: string[];
    };
    expect(session.threadIds).toHaveLength(2);

    const { PlainClient } = await import('../src/index.js');
    const customer = new PlainClient({
      apiUrl: `${url}api/plain`,
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, cookie } }),
    });
    const page = await customer.getTimeline({ threadId: session.threadIds[0] ?? '', first: 10 });
    expect(page.ok && page.data.entries.map((e) => [e.author.kind, e.entry.kind])).toEqual([
      ['customer', 'email'],
      ['machineUser', 'email'],
      ['customer', 'email'],
    ]);
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  }
  // Stopped, not left running (a hang here fails the test by its timeout).
  await closed;
});
