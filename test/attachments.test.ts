import { beforeEach, describe, expect, it } from 'vitest';
import { PlainClient, type PlainClientOptions } from '../src/index.js';
import { createFakePlain, type FakePlain } from '../src/testing/index.js';

const MiB = 1024 * 1024;
const bytes = (text: string) => new TextEncoder().encode(text);

let fake: FakePlain;
beforeEach(() => {
  fake = createFakePlain();
});

/** A client talking to the fake; `storage` answers the upload POSTs instead of the fake when given. */
function client(
  options: Partial<PlainClientOptions> & { storage?: (request: Request) => Promise<Response> | Response } = {},
) {
  const { storage, ...rest } = options;
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (storage && new URL(request.url).pathname === '/fake-storage/upload') return storage(request);
    return fake.fetch(request);
  };
  return new PlainClient({ apiKey: fake.apiKey, fetch: fetcher, ...rest });
}

const operations = () => fake.requests.map((r) => r.operationName);
const s3Error = (status: number, code: string, message: string) => () =>
  new Response(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    {
      status,
      headers: { 'content-type': 'application/xml' },
    },
  );

describe('uploadAttachment refuses locally, with nothing sent', () => {
  it.each([
    ['an empty file', { file: new Uint8Array(0), fileName: 'a.txt' }, 'file', 'must not be empty (0 bytes)'],
    [
      'a file of unknown size',
      { file: { size: 5 } as unknown as Blob, fileName: 'a.txt' },
      'file',
      'must be a Blob, File, Uint8Array or ArrayBuffer of known size',
    ],
    ['a blank name', { file: bytes('hello'), fileName: '  ' }, 'fileName', 'must not be empty'],
    ['no name', { file: bytes('hello') } as { file: Uint8Array; fileName: string }, 'fileName', 'must be a string'],
  ])('%s: invalid_input naming the field', async (_, file, path, message) => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const result = await client().uploadAttachment({ threadId: thread.id, ...file });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', attempts: 0, issues: [{ path, message }] },
    });
    expect(fake.requests).toEqual([]);
    expect(fake.uploads).toEqual([]);
  });

  it('both threadId and customerId, or a customerId without attachmentType: invalid_input', async () => {
    const plain = client();
    const both = await plain.uploadAttachment({
      threadId: 'th_1',
      customerId: 'c_1',
      file: bytes('x'),
      fileName: 'a.txt',
    } as never);
    expect(both).toMatchObject({ ok: false, error: { kind: 'invalid_input', issues: [{ path: 'threadId' }] } });
    const untyped = await plain.uploadAttachment({ customerId: 'c_1', file: bytes('x'), fileName: 'a.txt' } as never);
    expect(untyped).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', issues: [{ path: 'attachmentType' }] },
    });
    expect(fake.requests).toEqual([]);
  });

  it.each(['setup.exe', 'SETUP.EXE', 'report.pdf.Bat', 'x.vbs'])(
    'a banned extension (%s, case-insensitive, the last one counts): attachment_rejected from source local',
    async (fileName) => {
      const thread = fake.addThread({ channel: 'EMAIL' });
      const result = await client().uploadAttachment({ threadId: thread.id, file: bytes('MZ'), fileName });
      expect(result).toMatchObject({
        ok: false,
        error: { kind: 'attachment_rejected', reason: 'file_type_not_allowed', source: 'local', fileName, attempts: 0 },
      });
      expect(fake.requests).toEqual([]);
      expect(fake.uploads).toEqual([]);
    },
  );

  it("a file over its attachment type's limit: attachment_rejected too_large with the limit", async () => {
    const customer = fake.addCustomer();
    const file = new Uint8Array(6 * MiB + 1);
    const result = await client().uploadAttachment({
      customerId: customer.id,
      attachmentType: 'EMAIL',
      file,
      fileName: 'big.pdf',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'attachment_rejected', reason: 'too_large', source: 'local', limitBytes: 6 * MiB },
    });
    const thread = fake.addThread({ channel: 'EMAIL', customer });
    const viaThread = await client().uploadAttachment({
      threadId: thread.id,
      attachmentType: 'EMAIL',
      file,
      fileName: 'big.pdf',
    });
    expect(viaThread).toMatchObject({ ok: false, error: { kind: 'attachment_rejected', reason: 'too_large' } });
    expect(fake.requests).toEqual([]);
  });

  it('a name whose banned extension is not the last one is uploaded', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const result = await client().uploadAttachment({
      threadId: thread.id,
      file: bytes('ok'),
      fileName: 'setup.exe.txt',
    });
    expect(result.ok).toBe(true);
  });
});

describe('uploadAttachment sends', () => {
  it.each([
    ['EMAIL', 'EMAIL'],
    ['API', 'EMAIL'],
    ['CHAT', 'CHAT'],
    ['SLACK', 'SLACK'],
    ['MS_TEAMS', 'MS_TEAMS'],
    ['DISCORD', 'DISCORD'],
    ['IMPORT', 'CUSTOM_TIMELINE_ENTRY'],
  ] as const)("on a %s thread: the thread's customer, attachment type %s, the exact size", async (channel, type) => {
    const thread = fake.addThread({ channel });
    const result = await client().uploadAttachment({ threadId: thread.id, file: bytes('hello'), fileName: 'a.txt' });
    expect(result.ok).toBe(true);
    expect(operations()).toEqual(['GetThread', 'CreateAttachmentUploadUrl']);
    expect(fake.requests[1]?.variables).toEqual({
      input: { customerId: thread.customerId, fileName: 'a.txt', fileSizeBytes: 5, attachmentType: type },
    });
  });

  it('the form as Plain handed it out, in order, the file last with its exact size, and no header of the client', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const plain = client({ headers: { 'x-backend-secret': 'not for the storage' } });
    const file = new File([bytes('{"log":true}')], 'log.json', { type: 'application/json' });
    const result = await plain.uploadAttachment({ threadId: thread.id, file, fileName: 'server log.json' });
    if (!result.ok) throw new Error(result.error.message);
    const attachment = fake.attachment(result.data.attachmentId);
    expect(result.data).toEqual({
      attachmentId: attachment?.id,
      fileName: 'server log.json',
      sizeBytes: 12,
      expiresAt: attachment?.expiresAt.toISOString(),
    });
    const [upload] = fake.uploads;
    expect(upload?.fields).toEqual([
      ...(attachment?.formData ?? []).map((f) => ({ name: f.key, value: f.value })),
      { name: 'file', fileName: 'server log.json', sizeBytes: 12, type: 'application/json' },
    ]);
    expect(Object.keys(upload?.headers ?? {}).sort()).toEqual(['content-type']);
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${fake.apiKey}`)).toBe(true);
    expect(attachment?.uploadedAt).toBeInstanceOf(Date);
  });

  it('an ArrayBuffer and a Blob as well as a Uint8Array, for a customer with a given type', async () => {
    const customer = fake.addCustomer();
    const plain = client();
    for (const file of [bytes('abc').buffer, new Blob(['abc'])]) {
      const result = await plain.uploadAttachment({
        customerId: customer.id,
        attachmentType: 'NOTE',
        file,
        fileName: 'a.txt',
      });
      expect(result).toMatchObject({ ok: true, data: { sizeBytes: 3 } });
    }
    expect(fake.requests.map((r) => r.variables)).toEqual([
      { input: expect.objectContaining({ attachmentType: 'NOTE' }) },
      { input: expect.objectContaining({ attachmentType: 'NOTE' }) },
    ]);
  });
});

describe('uploadAttachment maps refusals', () => {
  it.each([
    ['EntityTooLarge', 'too_large', 400, 'Your proposed upload exceeds the maximum allowed size'],
    ['EntityTooSmall', 'too_small', 400, 'Your proposed upload is smaller than the minimum allowed size'],
    ['AccessDenied', 'expired', 403, 'Invalid according to Policy: Policy expired.'],
    ['AccessDenied', 'access_denied', 403, 'Access Denied'],
    ['MalformedPOSTRequest', 'other', 400, 'not well-formed'],
  ] as const)(
    "the storage's XML error %s: attachment_rejected with reason %s, not retried",
    async (code, reason, status, said) => {
      const answer = s3Error(status, code, said);
      const thread = fake.addThread({ channel: 'CHAT' });
      let posts = 0;
      const plain = client({
        storage: () => {
          posts++;
          return answer();
        },
      });
      const result = await plain.uploadAttachment({ threadId: thread.id, file: bytes('hello'), fileName: 'a.txt' });
      expect(result).toMatchObject({
        ok: false,
        error: { kind: 'attachment_rejected', reason, code, source: 'storage', fileName: 'a.txt', attempts: 1 },
      });
      expect(posts).toBe(1);
    },
  );

  it("an expired form, as the fake's storage enforces it: attachment_rejected expired", async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const plain = client({
      onResponse: (event) => {
        if (event.operationName === 'CreateAttachmentUploadUrl') fake.expireAttachmentUploadUrls();
      },
    });
    const result = await plain.uploadAttachment({ threadId: thread.id, file: bytes('hello'), fileName: 'a.txt' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'attachment_rejected', reason: 'expired', status: 403 } });
    expect(fake.uploads.map((u) => [u.status, u.code])).toEqual([[403, 'AccessDenied']]);
  });

  it.each([
    ['attachment_file_type_not_allowed', 'file_type_not_allowed'],
    ['attachment_file_size_too_large', 'too_large'],
  ])("Plain's %s: attachment_rejected with reason %s from source plain", async (code, reason) => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const plain = new PlainClient({
      apiKey: fake.apiKey,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const body = await request.clone().text();
        if (!body.includes('CreateAttachmentUploadUrl')) return fake.fetch(request);
        const error = { message: 'refused', type: 'VALIDATION', code, fields: [] };
        return Response.json({ data: { createAttachmentUploadUrl: { attachmentUploadUrl: null, error } } });
      },
    });
    const result = await plain.uploadAttachment({ threadId: thread.id, file: bytes('hello'), fileName: 'a.txt' });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'attachment_rejected', reason, code, source: 'plain', fileName: 'a.txt' },
    });
    expect(fake.uploads).toEqual([]);
  });

  it("a reply carrying an attachment never uploaded: Plain's attachment_not_uploaded as attachment_rejected", async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const result = await client().replyToThread({ threadId: thread.id, textContent: 'hi', attachmentIds: ['att_x'] });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'attachment_rejected', reason: 'not_uploaded', source: 'plain', code: 'attachment_not_uploaded' },
    });
  });

  it('a redirect from the storage is not followed: unexpected_response', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    let posts = 0;
    const plain = client({
      storage: () => {
        posts++;
        return new Response(null, { status: 307, headers: { location: 'https://elsewhere.example/' } });
      },
    });
    const result = await plain.uploadAttachment({ threadId: thread.id, file: bytes('hello'), fileName: 'a.txt' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'unexpected_response', status: 307 } });
    expect(posts).toBe(1);
  });

  it('an endless error answer is read only up to its cap', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(64 * 1024).fill(65)),
    });
    const plain = client({ timeoutMs: 60_000, storage: () => new Response(endless, { status: 400 }) });
    const result = await plain.uploadAttachment({ threadId: thread.id, file: bytes('hello'), fileName: 'a.txt' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'attachment_rejected', reason: 'other', status: 400 } });
  });
});

describe('uploadAttachment retries transient failures', () => {
  it('the POST after a 5xx, to the same key', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    fake.failNext({ operation: 'AttachmentUpload', status: 503 });
    const result = await client().uploadAttachment({ threadId: thread.id, file: bytes('hello'), fileName: 'a.txt' });
    expect(result.ok).toBe(true);
    expect(fake.uploads.map((u) => u.status)).toEqual([503, 204]);
    const keys = fake.uploads.map((u) => u.fields.find((f) => f.name === 'key'));
    expect(keys[0]).toEqual(keys[1]);
    expect(operations()).toEqual(['GetThread', 'CreateAttachmentUploadUrl']);
  });

  it('the POST after a lost connection', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    fake.failNext({ operation: 'AttachmentUpload', drop: 'before' });
    const result = await client().uploadAttachment({ threadId: thread.id, file: bytes('hello'), fileName: 'a.txt' });
    expect(result.ok).toBe(true);
    expect(fake.uploads.map((u) => u.status)).toEqual([0, 204]);
  });

  it('the POST gives up after maxRetries with server_error', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    fake.failNext({ operation: 'AttachmentUpload', status: 500, times: 2 });
    const result = await client({ maxRetries: 1 }).uploadAttachment({
      threadId: thread.id,
      file: bytes('hello'),
      fileName: 'a.txt',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'server_error', status: 500, attempts: 2, retryable: true },
    });
  });

  it('createAttachmentUploadUrl after a 5xx', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    fake.failNext({ operation: 'CreateAttachmentUploadUrl', status: 500 });
    const result = await client().uploadAttachment({ threadId: thread.id, file: bytes('hello'), fileName: 'a.txt' });
    expect(result.ok).toBe(true);
    expect(operations()).toEqual(['GetThread', 'CreateAttachmentUploadUrl', 'CreateAttachmentUploadUrl']);
    expect(fake.uploads.map((u) => u.status)).toEqual([204]);
  });
});
