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
      'reply-by-ref',
      'reply-to-thread',
      'reply-with-file',
      'support-bot',
      'test-with-the-fake',
    ]);
  });

  for (const name of names.filter((n) => n !== 'test-with-the-fake')) {
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
