import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isFromCustomer,
  isKnownEvent,
  messageOf,
  type PlainWebhookEvent,
  signWebhook,
  verifySignature,
  verifyWebhook,
} from '../src/webhooks/index.js';
import { exampleEvent, SECRET, schemaErrors, signed, webhookSchema } from './webhooks-fixtures.js';

const NOW = new Date('2026-04-21T10:00:00.000Z');
const ALL_TYPES: string[] = webhookSchema.properties.type.enum;

describe('a correctly signed body verifies, and any one-byte change does not', () => {
  it('UTF-8 text anywhere in a valid event', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme' }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (text, at, delta) => {
          const event = exampleEvent('thread.chat_received', NOW);
          event.payload.chat.text = text;
          const { body, signature } = await signed(event);
          const good = await verifyWebhook({ body, signature, secret: SECRET, now: NOW });
          expect(good.ok).toBe(true);
          expect(good.data?.id).toBe(event.id);

          const bytes = new TextEncoder().encode(body);
          const i = at % bytes.length;
          bytes[i] = (bytes[i]! + delta) % 256;
          const bad = await verifyWebhook({ body: bytes, signature, secret: SECRET, now: NOW });
          expect(bad.error?.kind).toBe('invalid_signature');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('arbitrary binary bodies, as Uint8Array and ArrayBuffer: the signature passes and only JSON parsing can refuse', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 2048 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (bytes, at, delta) => {
          const signature = await signWebhook({ body: bytes, secret: SECRET });
          for (const body of [bytes, bytes.slice().buffer]) {
            const result = await verifySignature({ body, signature, secret: SECRET });
            expect(result.ok || result.error.kind === 'not_json').toBe(true);
          }
          const changed = bytes.slice();
          const i = at % changed.length;
          changed[i] = (changed[i]! + delta) % 256;
          const bad = await verifySignature({ body: changed, signature, secret: SECRET });
          expect(bad.error?.kind).toBe('invalid_signature');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a string body and its UTF-8 bytes verify alike', async () => {
    const { body, signature } = await signed(exampleEvent('thread.email_received', NOW));
    const fromBytes = await verifyWebhook({
      body: new TextEncoder().encode(body),
      signature,
      secret: SECRET,
      now: NOW,
    });
    const fromString = await verifyWebhook({ body, signature, secret: SECRET, now: NOW });
    expect(fromBytes).toEqual(fromString);
    expect(fromString.ok).toBe(true);
  });
});

describe('the delivery attempt must be recent (webhookDeliveryAttemptTimestamp, 300 s either way by default)', () => {
  const at = async (offsetMs: number, toleranceSeconds?: number) => {
    const { body, signature } = await signed(exampleEvent('thread.email_received', new Date(NOW.getTime() - offsetMs)));
    return verifyWebhook({ body, signature, secret: SECRET, now: NOW, toleranceSeconds });
  };

  it('exactly 300 s old or 300 s ahead is accepted', async () => {
    expect((await at(300_000)).ok).toBe(true);
    expect((await at(-300_000)).ok).toBe(true);
  });

  it('one millisecond more either way is stale, with the age (negative when ahead)', async () => {
    const old = await at(300_001);
    expect(old.error).toMatchObject({ kind: 'stale', ageMs: 300_001 });
    expect(old.error?.message).toMatch(/Signed 300 s ago/);
    const ahead = await at(-300_001);
    expect(ahead.error).toMatchObject({ kind: 'stale', ageMs: -300_001 });
    expect(ahead.error?.message).toMatch(/in the future/);
  });

  it('toleranceSeconds changes the window; the default now is the clock', async () => {
    expect((await at(60_001, 60)).error?.kind).toBe('stale');
    expect((await at(59_999, 60)).ok).toBe(true);
    const { body, signature } = await signed(exampleEvent('thread.email_received', new Date()));
    expect((await verifyWebhook({ body, signature, secret: SECRET })).ok).toBe(true);
  });

  it('a bad tolerance or now is invalid_input naming it', async () => {
    const { body, signature } = await signed(exampleEvent('thread.email_received', NOW));
    expect((await verifyWebhook({ body, signature, secret: SECRET, toleranceSeconds: -1 })).error).toMatchObject({
      kind: 'invalid_input',
      field: 'toleranceSeconds',
    });
    expect((await verifyWebhook({ body, signature, secret: SECRET, now: new Date('nope') })).error).toMatchObject({
      kind: 'invalid_input',
      field: 'now',
    });
  });
});

describe('secret rotation: a list of secrets, any one may match', () => {
  it('verifies a body signed with the old or the new secret', async () => {
    const event = exampleEvent('thread.chat_sent', NOW);
    for (const secret of ['old-secret-0123456789abcdef', 'new-secret-0123456789abcdef']) {
      const { body, signature } = await signed(event, secret);
      const result = await verifyWebhook({
        body,
        signature,
        secret: ['old-secret-0123456789abcdef', 'new-secret-0123456789abcdef'],
        now: NOW,
      });
      expect(result.ok).toBe(true);
    }
  });

  it('refuses a body signed with neither, and an empty list or an empty secret is invalid_input', async () => {
    const { body, signature } = await signed(exampleEvent('thread.chat_sent', NOW), 'a-third-secret-0123456789');
    expect(
      (
        await verifyWebhook({
          body,
          signature,
          secret: ['old-secret-0123456789abcdef', 'new-secret-0123456789abcdef'],
          now: NOW,
        })
      ).error?.kind,
    ).toBe('invalid_signature');
    expect((await verifyWebhook({ body, signature, secret: [], now: NOW })).error).toMatchObject({
      kind: 'invalid_input',
      field: 'secret',
    });
    expect((await verifyWebhook({ body, signature, secret: '', now: NOW })).error).toMatchObject({
      kind: 'invalid_input',
      field: 'secret',
    });
  });
});

describe('the Plain-Request-Signature header: what is accepted', () => {
  const variants = async (transform: (hex: string) => string) => {
    const { body, signature } = await signed(exampleEvent('thread.email_received', NOW));
    return verifyWebhook({ body, signature: transform(signature), secret: SECRET, now: NOW });
  };

  it('lower-case hex as Plain sends it, upper-case hex, a sha256= prefix and surrounding whitespace', async () => {
    expect((await variants((h) => h)).ok).toBe(true);
    expect((await variants((h) => h.toUpperCase())).ok).toBe(true);
    expect((await variants((h) => `sha256=${h}`)).ok).toBe(true);
    expect((await variants((h) => `SHA256=${h}`)).ok).toBe(true);
    expect((await variants((h) => ` \t${h}  `)).ok).toBe(true);
  });

  it('a repeated header (comma-joined): any one matching value verifies; up to four values are tried', async () => {
    const other = 'ab'.repeat(32);
    expect((await variants((h) => `${other}, ${h}`)).ok).toBe(true);
    expect((await variants((h) => `${h},${h}`)).ok).toBe(true);
    expect((await variants(() => `${other}, ${other}`)).error?.kind).toBe('invalid_signature');
    const five = await variants((h) => [other, other, other, other, h].join(','));
    expect(five.error?.kind).toBe('invalid_signature');
    expect(five.error?.message).toMatch(/More than 4/);
  });

  it('absent or blank is missing_signature; anything but 64 hex digits is invalid_signature', async () => {
    const { body } = await signed(exampleEvent('thread.email_received', NOW));
    for (const signature of [null, undefined, '', '   ']) {
      expect((await verifyWebhook({ body, signature, secret: SECRET, now: NOW })).error?.kind).toBe(
        'missing_signature',
      );
    }
    for (const transform of [
      (h: string) => h.slice(1),
      (h: string) => `${h}0`,
      (h: string) => `v1=${h}`,
      (h: string) => h.replace(/^./, 'g'),
    ]) {
      expect((await variants(transform)).error?.kind).toBe('invalid_signature');
    }
  });
});

describe('the body must be a webhook', () => {
  const check = async (body: string) =>
    verifyWebhook({ body, signature: await signWebhook({ body, secret: SECRET }), secret: SECRET, now: NOW });

  it('a signed body that is not JSON is not_json', async () => {
    expect((await check('<html>')).error?.kind).toBe('not_json');
    expect(
      (
        await verifySignature({
          body: new Uint8Array([0xff, 0xfe]),
          signature: await signWebhook({ body: new Uint8Array([0xff, 0xfe]), secret: SECRET }),
          secret: SECRET,
        })
      ).error?.kind,
    ).toBe('not_json');
  });

  it('a wrong envelope is invalid_envelope with the path that is wrong', async () => {
    const cases: [(e: Record<string, any>) => void, string][] = [
      [(e) => delete e.id, 'id'],
      [(e) => (e.type = 42), 'type'],
      [(e) => (e.payload = 'x'), 'payload'],
      [(e) => delete e.webhookMetadata, 'webhookMetadata'],
      [(e) => (e.webhookMetadata.webhookDeliveryAttemptNumber = 0), 'webhookMetadata.webhookDeliveryAttemptNumber'],
      [
        (e) => (e.webhookMetadata.webhookDeliveryAttemptTimestamp = 'yesterday'),
        'webhookMetadata.webhookDeliveryAttemptTimestamp',
      ],
      [(e) => (e.payload.eventType = 'thread.chat_sent'), 'payload.eventType'],
      [(e) => delete e.payload.email, 'payload.email'],
      [(e) => (e.payload.thread.customer.id = ''), 'payload.thread.customer.id'],
      [(e) => (e.payload.email.textContent = 7), 'payload.email.textContent'],
    ];
    for (const [breakIt, path] of cases) {
      const event = exampleEvent('thread.email_received', NOW);
      breakIt(event);
      expect((await check(JSON.stringify(event))).error, path).toMatchObject({ kind: 'invalid_envelope', path });
    }
    expect((await check('[1,2]')).error).toMatchObject({ kind: 'invalid_envelope', path: '(root)' });
  });

  it('a parsed object instead of the raw body is invalid_input that says to mount before the body parser', async () => {
    const result = await verifyWebhook({
      body: exampleEvent('thread.email_received') as never,
      signature: 'ab'.repeat(32),
      secret: SECRET,
    });
    expect(result.error).toMatchObject({ kind: 'invalid_input', field: 'body' });
    expect(result.error?.message).toMatch(/before any body parser/);
  });

  it('never rejects, whatever it is given', async () => {
    for (const input of [
      undefined,
      null,
      {},
      { body: 1 },
      { body: 'x', signature: 5, secret: SECRET },
      { body: 'x', signature: 'ab', secret: [1] },
    ]) {
      const result = await verifyWebhook(input as never);
      expect(result.ok).toBe(false);
      const plain = await verifySignature(input as never);
      expect(plain.ok).toBe(false);
    }
  });

  it('no error message contains the secret or the body', async () => {
    const secret = 'S3CR3T-value-that-must-not-leak';
    const event = exampleEvent('thread.email_received', new Date(NOW.getTime() - 10 * 60_000));
    event.payload.email.textContent = 'BODY-MARKER-private';
    const body = JSON.stringify(event);
    const signature = await signWebhook({ body, secret });
    const errors = [
      await verifyWebhook({ body, signature, secret, now: NOW }),
      await verifyWebhook({ body, signature: `${signature.slice(1)}0`, secret, now: NOW }),
      await verifyWebhook({ body, signature: 'nothex', secret: [secret, 'x'], now: NOW }),
      await verifyWebhook({
        body: 'BODY-MARKER-private',
        signature: await signWebhook({ body: 'BODY-MARKER-private', secret }),
        secret,
        now: NOW,
      }),
    ].map((r) => JSON.stringify(r.error));
    expect(errors.every((e) => e !== undefined)).toBe(true);
    for (const text of errors) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('BODY-MARKER');
    }
  });
});

describe('every event type of the vendored schema, from a generated example', () => {
  for (const type of ALL_TYPES) {
    it(type, async () => {
      const event = exampleEvent(type, NOW);
      expect(schemaErrors(event)).toEqual([]);
      const { body, signature } = await signed(event);
      const result = await verifyWebhook({ body, signature, secret: SECRET, now: NOW });
      expect(result.ok, JSON.stringify(result.error)).toBe(true);
      const verified = result.data!;
      expect(verified).toEqual(event);
      expect(isKnownEvent(verified)).toBe(true);
      const message = messageOf(verified);
      const isMessage = /^thread\.(email|chat|slack_message|ms_teams_message|discord_message)_(received|sent)$/.test(
        type,
      );
      expect(message !== undefined).toBe(isMessage);
      if (message) {
        expect(message.threadId).toBe(event.payload.thread.id);
        expect(message.customerId).toBe(event.payload.thread.customer.id);
        expect(message.attachments).toHaveLength(1);
      }
    });
  }
});

describe('other versions and unknown types pass through', () => {
  it('an event type the types do not know arrives with its payload untouched', async () => {
    const event = {
      ...exampleEvent('thread.email_received', NOW),
      type: 'discussion.discussion_created',
      payload: { eventType: 'discussion.discussion_created', anything: [1] },
    };
    const { body, signature } = await signed(event);
    const result = await verifyWebhook({ body, signature, secret: SECRET, now: NOW });
    expect(result.data).toEqual(event);
    expect(isKnownEvent(result.data!)).toBe(false);
    expect(messageOf(result.data!)).toBeUndefined();
  });

  it('a later version of a known type is known; an older one passes without its payload checked', async () => {
    const later = exampleEvent('thread.chat_received', NOW);
    later.webhookMetadata.webhookTargetVersion = '2026-08-25';
    const laterResult = await verifyWebhook({ ...(await signed(later)), secret: SECRET, now: NOW });
    expect(isKnownEvent(laterResult.data!)).toBe(true);

    const older = exampleEvent('thread.chat_received', NOW);
    older.webhookMetadata.webhookTargetVersion = '2024-09-18';
    delete older.payload.chat;
    const olderResult = await verifyWebhook({ ...(await signed(older)), secret: SECRET, now: NOW });
    expect(olderResult.data).toEqual(older);
    expect(isKnownEvent(olderResult.data!)).toBe(false);
    expect(messageOf(olderResult.data!)).toBeUndefined();
  });
});

describe('messageOf and isFromCustomer', () => {
  const withAuthor = (type: string, key: string, actor: object) => {
    const event = exampleEvent(type, NOW);
    event.payload[key].createdBy = actor;
    return event as unknown as PlainWebhookEvent;
  };

  it('gives one shape per channel, with the author', () => {
    const email = exampleEvent('thread.email_received', NOW);
    email.payload.email.textContent = 'Hello';
    email.payload.email.markdownContent = '**Hello**';
    email.payload.email.isStartOfThread = true;
    email.payload.email.createdBy = { actorType: 'customer', customerId: 'c_1' };
    expect(messageOf(email as never)).toEqual({
      threadId: email.payload.thread.id,
      customerId: email.payload.thread.customer.id,
      timelineEntryId: email.payload.email.timelineEntryId,
      text: 'Hello',
      markdown: '**Hello**',
      attachments: [{ id: 'ex_01J0000000000000000000000A', fileName: 'x', fileSizeBytes: 0, fileMimeType: 'x' }],
      author: { kind: 'customer', id: 'c_1' },
      isStartOfThread: true,
    });
    const chat = exampleEvent('thread.chat_received', NOW);
    chat.payload.chat.text = null;
    expect(messageOf(chat as never)).toMatchObject({ text: '', author: { kind: 'unknown' } });
    expect(messageOf(chat as never)).not.toHaveProperty('markdown');
    const discord = exampleEvent('thread.discord_message_sent', NOW);
    discord.payload.discordMessage.textContent = 'hi on discord';
    expect(messageOf(discord as never)?.text).toBe('hi on discord');
  });

  it('isFromCustomer is true only for a message a customer wrote', () => {
    expect(
      isFromCustomer(withAuthor('thread.chat_received', 'chat', { actorType: 'customer', customerId: 'c_1' })),
    ).toBe(true);
    expect(
      isFromCustomer(withAuthor('thread.chat_sent', 'chat', { actorType: 'machineUser', machineUserId: 'mu_1' })),
    ).toBe(false);
    expect(
      isFromCustomer(withAuthor('thread.slack_message_received', 'slackMessage', { actorType: 'user', userId: 'u_1' })),
    ).toBe(false);
    expect(
      isFromCustomer(
        withAuthor('thread.ms_teams_message_received', 'msTeamsMessage', { actorType: 'system', system: 's' }),
      ),
    ).toBe(false);
    expect(isFromCustomer(exampleEvent('thread.thread_created', NOW) as never)).toBe(false);
    expect(
      messageOf(withAuthor('thread.chat_sent', 'chat', { actorType: 'machineUser', machineUserId: 'mu_1' }))?.author,
    ).toEqual({ kind: 'machineUser', id: 'mu_1' });
    expect(messageOf(withAuthor('thread.chat_sent', 'chat', { actorType: 'toString' }))?.author).toEqual({
      kind: 'unknown',
    });
    expect(messageOf(withAuthor('thread.chat_sent', 'chat', { actorType: 'UNKNOWN' }))?.author).toEqual({
      kind: 'unknown',
    });
  });
});
