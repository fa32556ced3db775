import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateAttachmentUploadUrlDocument } from '../src/generated/attachments.js';
import { PlainClient } from '../src/index.js';
import { createFakePlain, type FakePlain } from '../src/testing/index.js';
import { MAX_FORM_FIELDS_BYTES } from '../src/testing/storage.js';

type Form = { uploadFormUrl: string; uploadFormData: { key: string; value: string }[]; attachmentId: string };

/** createAttachmentUploadUrl through `fetch` (a GraphQL request of our own), returning the form or Plain's error. */
async function mintForm(
  fetcher: typeof fetch,
  input: { customerId: string; fileName: string; fileSizeBytes: number; attachmentType: string },
  target: { apiUrl: string; apiKey: string },
) {
  const response = await fetcher(target.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.apiKey}` },
    body: JSON.stringify({ query: String(CreateAttachmentUploadUrlDocument), variables: { input } }),
  });
  const body = (await response.json()) as {
    data: { createAttachmentUploadUrl: { attachmentUploadUrl: Record<string, never> | null; error: unknown } };
  };
  const { attachmentUploadUrl, error } = body.data.createAttachmentUploadUrl;
  if (!attachmentUploadUrl) return { error: error as { code: string } };
  const url = attachmentUploadUrl as unknown as Omit<Form, 'attachmentId'> & { attachment: { id: string } };
  return {
    form: { uploadFormUrl: url.uploadFormUrl, uploadFormData: url.uploadFormData, attachmentId: url.attachment.id },
  };
}

const formOf = (fields: readonly { key: string; value: string }[], file?: Blob, fileName = 'notes.txt') => {
  const form = new FormData();
  for (const { key, value } of fields) form.append(key, value);
  if (file) form.append('file', file, fileName);
  return form;
};

/** The code and status of the storage's XML error. */
async function s3Answer(response: Response) {
  const text = await response.text();
  return { status: response.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] };
}

describe("the fake's createAttachmentUploadUrl and storage endpoint, in-process (fake.fetch)", () => {
  let fake: FakePlain;
  let customerId: string;
  const target = () => ({ apiUrl: fake.apiUrl, apiKey: fake.apiKey });
  const mint = async (fileName: string, fileSizeBytes: number, attachmentType = 'EMAIL') => {
    const minted = await mintForm(fake.fetch, { customerId, fileName, fileSizeBytes, attachmentType }, target());
    if (!minted.form) throw new Error(`no form: ${JSON.stringify(minted.error)}`);
    return minted.form;
  };
  beforeEach(() => {
    fake = createFakePlain();
    customerId = fake.addCustomer().id;
  });

  it('hands out an S3-style form for the exact size, posting to its storage URL, expiring in two hours', async () => {
    const before = Date.now();
    const form = await mint('notes.txt', 5);
    expect(form.uploadFormUrl).toBe(fake.storageUrl);
    expect(form.uploadFormData.map((f) => f.key)).toEqual([
      'bucket',
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'key',
      'Policy',
      'X-Amz-Signature',
    ]);
    const policy = JSON.parse(atob(form.uploadFormData.find((f) => f.key === 'Policy')?.value ?? ''));
    expect(policy.conditions).toContainEqual(['content-length-range', 5, 5]);
    const expiresAt = fake.attachment(form.attachmentId)?.expiresAt.getTime() ?? 0;
    expect(expiresAt - before).toBeGreaterThanOrEqual(2 * 60 * 60 * 1000);
    expect(fake.attachment(form.attachmentId)).toMatchObject({ customerId, sizeBytes: 5, attachmentType: 'EMAIL' });
    expect(fake.attachment(form.attachmentId)?.uploadedAt).toBeUndefined();
  });

  it('stores a file posted with every field in order and the file last: 204, and the attachment is uploaded', async () => {
    const form = await mint('notes.txt', 5);
    const response = await fake.fetch(form.uploadFormUrl, {
      method: 'POST',
      body: formOf(form.uploadFormData, new Blob(['hello'], { type: 'text/plain' })),
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(fake.attachment(form.attachmentId)).toMatchObject({ mimeType: 'text/plain' });
    expect(fake.attachment(form.attachmentId)?.uploadedAt).toBeInstanceOf(Date);
    expect(fake.uploads).toEqual([
      expect.objectContaining({
        status: 204,
        attachmentId: form.attachmentId,
        fields: [
          ...form.uploadFormData.map((f) => ({ name: f.key, value: f.value })),
          { name: 'file', fileName: 'notes.txt', sizeBytes: 5, type: 'text/plain' },
        ],
      }),
    ]);
  });

  it.each([
    ['a byte more', 'hello!', 400, 'EntityTooLarge'],
    ['a byte less', 'hell', 400, 'EntityTooSmall'],
  ])('refuses a file %s than the form names (%s)', async (_, content, status, code) => {
    const form = await mint('notes.txt', 5);
    const response = await fake.fetch(form.uploadFormUrl, {
      method: 'POST',
      body: formOf(form.uploadFormData, new Blob([content])),
    });
    expect(await s3Answer(response)).toEqual({ status, code });
    expect(fake.attachment(form.attachmentId)?.uploadedAt).toBeUndefined();
  });

  it('refuses an expired form with AccessDenied', async () => {
    const form = await mint('notes.txt', 5);
    fake.expireAttachmentUploadUrls();
    const response = await fake.fetch(form.uploadFormUrl, {
      method: 'POST',
      body: formOf(form.uploadFormData, new Blob(['hello'])),
    });
    expect(await s3Answer(response)).toEqual({ status: 403, code: 'AccessDenied' });
  });

  it('refuses a field after the file, a missing file, a changed field, a foreign key and oversized fields', async () => {
    const form = await mint('notes.txt', 5);
    const post = (body: FormData) => fake.fetch(form.uploadFormUrl, { method: 'POST', body });

    const fileFirst = new FormData();
    fileFirst.append('file', new Blob(['hello']), 'notes.txt');
    for (const { key, value } of form.uploadFormData) fileFirst.append(key, value);
    expect(await s3Answer(await post(fileFirst))).toEqual({ status: 400, code: 'MalformedPOSTRequest' });

    expect(await s3Answer(await post(formOf(form.uploadFormData)))).toEqual({ status: 400, code: 'InvalidArgument' });

    const changed = form.uploadFormData.map((f) => (f.key === 'Policy' ? { ...f, value: btoa('{}') } : f));
    expect(await s3Answer(await post(formOf(changed, new Blob(['hello']))))).toEqual({
      status: 403,
      code: 'AccessDenied',
    });

    const otherKey = form.uploadFormData.map((f) => (f.key === 'key' ? { ...f, value: 'elsewhere/x' } : f));
    expect(await s3Answer(await post(formOf(otherKey, new Blob(['hello']))))).toEqual({
      status: 403,
      code: 'AccessDenied',
    });

    const padded = [...form.uploadFormData, { key: 'x-amz-meta-note', value: 'x'.repeat(MAX_FORM_FIELDS_BYTES) }];
    expect(await s3Answer(await post(formOf(padded, new Blob(['hello']))))).toEqual({
      status: 400,
      code: 'MaxPostPreDataLengthExceeded',
    });

    const notAForm = await fake.fetch(form.uploadFormUrl, { method: 'POST', body: 'hello' });
    expect(await s3Answer(notAForm)).toEqual({ status: 412, code: 'PreconditionFailed' });
    expect(fake.attachment(form.attachmentId)?.uploadedAt).toBeUndefined();
  });

  it("answers a fault queued for 'AttachmentUpload' with S3's XML, then stores the same form on the next try", async () => {
    const form = await mint('notes.txt', 5);
    fake.failNext({ operation: 'AttachmentUpload', status: 503 });
    const post = () =>
      fake.fetch(form.uploadFormUrl, { method: 'POST', body: formOf(form.uploadFormData, new Blob(['hello'])) });
    expect(await s3Answer(await post())).toEqual({ status: 503, code: 'SlowDown' });
    expect((await post()).status).toBe(204);
  });

  it("refuses Plain's banned extensions and sizes over the type's limit with Plain's codes", async () => {
    const refused = async (fileName: string, fileSizeBytes: number, attachmentType: string) =>
      (await mintForm(fake.fetch, { customerId, fileName, fileSizeBytes, attachmentType }, target())).error;
    expect(await refused('setup.EXE', 10, 'CHAT')).toMatchObject({ code: 'attachment_file_type_not_allowed' });
    expect(await refused('big.pdf', 6 * 1024 * 1024 + 1, 'EMAIL')).toMatchObject({
      code: 'attachment_file_size_too_large',
    });
    expect(await refused('big.pdf', 6 * 1024 * 1024 + 1, 'CHAT')).toBeUndefined();
  });

  it("refuses a reply or note carrying an attachment that was never uploaded (attachment_not_uploaded), and shows uploaded ones on the reply's timeline entry", async () => {
    const thread = fake.addThread({ channel: 'EMAIL', customer: customerId });
    const plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    const pending = await mint('notes.txt', 5);
    const reply = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'see file',
      attachmentIds: [pending.attachmentId],
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'attachment_not_uploaded' } });
    const note = await plain.createNote({ customerId, threadId: thread.id, text: 'n', attachmentIds: ['att_unknown'] });
    expect(note).toMatchObject({ ok: false, error: { code: 'attachment_not_uploaded' } });
    expect(fake.messages(thread.id)).toEqual([]);

    await fake.fetch(pending.uploadFormUrl, {
      method: 'POST',
      body: formOf(pending.uploadFormData, new Blob(['hello'], { type: 'text/plain' })),
    });
    const sent = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'see file',
      attachmentIds: [pending.attachmentId],
    });
    expect(sent.ok).toBe(true);
    const timeline = await plain.request(
      `query T($id: ID!) { thread(threadId: $id) { timelineEntries(first: 10) { edges { node { entry {
        ... on EmailEntry { attachments { id fileName fileSize { bytes } fileMimeType type } } } } } } } }`,
      { id: thread.id },
    );
    expect(timeline.ok && JSON.stringify(timeline.data)).toContain(
      JSON.stringify({
        attachments: [
          {
            id: pending.attachmentId,
            fileName: 'notes.txt',
            fileSize: { bytes: 5 },
            fileMimeType: 'text/plain',
            type: 'EMAIL',
          },
        ],
      }),
    );
  });
});

describe("the fake's storage endpoint over HTTP (fake.listen())", () => {
  let fake: FakePlain;
  let server: { url: string; close: () => Promise<void> };
  beforeEach(async () => {
    fake = createFakePlain();
    server = await fake.listen();
  });
  afterEach(() => server.close());

  it('hands out forms that post to its own 127.0.0.1 port, answers a CORS preflight, and stores the file', async () => {
    const customerId = fake.addCustomer().id;
    const minted = await mintForm(
      fetch,
      { customerId, fileName: 'a.png', fileSizeBytes: 3, attachmentType: 'CHAT' },
      { apiUrl: server.url, apiKey: fake.apiKey },
    );
    const form = minted.form as Form;
    const origin = new URL(server.url).origin;
    expect(form.uploadFormUrl).toBe(`${origin}/fake-storage/upload`);

    const preflight = await fetch(form.uploadFormUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const response = await fetch(form.uploadFormUrl, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:1' },
      body: formOf(form.uploadFormData, new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'a.png'),
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(fake.attachment(form.attachmentId)?.uploadedAt).toBeInstanceOf(Date);
  });
});
