import { beforeEach, describe, expect, it } from 'vitest';
import { PlainClient } from '../src/index.js';
import { createFakePlain, type FakePlain } from '../src/testing/index.js';

const MiB = 1024 * 1024;
const bytes = (text: string) => new TextEncoder().encode(text);
const file = (name: string, content = `content of ${name}`) => ({ file: bytes(content), fileName: name });

let fake: FakePlain;
let plain: PlainClient;
beforeEach(() => {
  fake = createFakePlain();
  plain = new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch });
});
const operations = () => fake.requests.map((r) => r.operationName);

describe('a reply with files refuses locally, before uploading anything', () => {
  it('101 files, or 60 files with 41 attachmentIds: invalid_input, nothing sent', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const many = Array.from({ length: 101 }, (_, i) => file(`f${i}.txt`));
    const result = await plain.replyToThread({ threadId: thread.id, textContent: 'files', attachments: many });
    expect(result).toMatchObject({
      ok: false,
      step: 'upload',
      uploaded: [],
      error: { kind: 'invalid_input', issues: [{ path: 'attachments' }] },
    });
    const mixed = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'files',
      attachmentIds: Array.from({ length: 41 }, (_, i) => `att_${i}`),
      attachments: many.slice(0, 60),
    });
    expect(mixed).toMatchObject({ ok: false, error: { kind: 'invalid_input', issues: [{ path: 'attachments' }] } });
    expect(fake.requests).toEqual([]);
    expect(fake.uploads).toEqual([]);
  });

  it('files over 6 MB together on an EMAIL thread: attachment_rejected too_large, nothing sent', async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const half = { file: new Uint8Array(3 * MiB + 1), fileName: 'half.pdf' };
    const input = {
      threadId: thread.id,
      textContent: 'files',
      attachments: [half, { ...half, fileName: 'other.pdf' }],
    };
    const result = await plain.replyToThread(input, { thread: { id: thread.id, channel: 'EMAIL' } });
    expect(result).toMatchObject({
      ok: false,
      step: 'upload',
      error: { kind: 'attachment_rejected', reason: 'too_large', source: 'local', limitBytes: 6 * MiB, attempts: 0 },
    });
    expect(fake.requests).toEqual([]);

    // The channel looked up: a read, and nothing else.
    const looked = await plain.replyToThread(input);
    expect(looked).toMatchObject({ ok: false, error: { kind: 'attachment_rejected', reason: 'too_large' } });
    expect(operations()).toEqual(['GetThread']);
    expect(fake.uploads).toEqual([]);

    // On a CHAT thread the same files are within its limit.
    const chat = fake.addThread({ channel: 'CHAT' });
    expect(await plain.replyToThread({ ...input, threadId: chat.id })).toMatchObject({ ok: true });
  });

  it.each([
    ['a banned extension', 'attachment_rejected', { textContent: 'x', attachments: [file('a.txt'), file('run.EXE')] }],
    [
      'an empty file',
      'invalid_input',
      { textContent: 'x', attachments: [file('a.txt'), { file: new Uint8Array(0), fileName: 'b' }] },
    ],
    ['a blank reply', 'invalid_input', { textContent: ' ', attachments: [file('a.txt')] }],
    ['a file without a name', 'invalid_input', { textContent: 'x', attachments: [{ file: bytes('x') }] }],
  ])('%s: %s, nothing sent', async (_, kind, input) => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const result = await plain.replyToThread({ threadId: thread.id, ...input } as never);
    expect(result).toMatchObject({ ok: false, step: 'upload', uploaded: [], error: { kind } });
    expect(fake.requests).toEqual([]);
  });

  it('a channel Plain does not reply on: cannot_reply_to_thread, nothing uploaded', async () => {
    const thread = fake.addThread({ channel: 'DISCORD' });
    const result = await plain.replyToThread({ threadId: thread.id, textContent: 'x', attachments: [file('a.txt')] });
    expect(result).toMatchObject({
      ok: false,
      step: 'upload',
      error: { kind: 'cannot_reply_to_thread', source: 'local' },
    });
    expect(operations()).toEqual(['GetThread']);
    expect(fake.uploads).toEqual([]);
  });
});

describe('a reply with files, end to end through the fake', () => {
  it('uploads every file for the thread, replies with their ids after the given ones, and the timeline shows them', async () => {
    const thread = fake.addThread({ channel: 'EMAIL' });
    const earlier = fake.addAttachment({ customerId: thread.customerId, fileName: 'earlier.txt', sizeBytes: 3 });
    const files = [file('a.txt', 'aaa'), file('b.csv', 'b,b'), { file: new Blob(['{}']), fileName: 'c.json' }];
    const result = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'Here are the files',
      attachmentIds: [earlier.id],
      attachments: files,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.uploaded?.map((u) => [u.index, u.fileName, u.sizeBytes])).toEqual([
      [0, 'a.txt', 3],
      [1, 'b.csv', 3],
      [2, 'c.json', 2],
    ]);
    const ids = result.uploaded?.map((u) => u.attachmentId) ?? [];
    expect(fake.messages(thread.id).map((m) => m.attachmentIds)).toEqual([[earlier.id, ...ids]]);
    expect(operations().filter((o) => o === 'CreateAttachmentUploadUrl')).toHaveLength(3);
    expect(fake.requests.find((r) => r.operationName === 'ReplyToThread')?.variables).toEqual({
      input: { threadId: thread.id, textContent: 'Here are the files', attachmentIds: [earlier.id, ...ids] },
    });
    expect(fake.uploads.map((u) => u.status)).toEqual([204, 204, 204]);

    const timeline = await plain.request(
      `query Timeline($id: ID!) { thread(threadId: $id) { timelineEntries(first: 5) { edges { node { entry {
        ... on EmailEntry { attachments { id fileName fileSize { bytes } } } } } } } } }`,
      { id: thread.id },
    );
    expect(timeline).toMatchObject({
      ok: true,
      data: {
        thread: {
          timelineEntries: {
            edges: [
              {
                node: {
                  entry: {
                    attachments: [
                      { id: earlier.id, fileName: 'earlier.txt', fileSize: { bytes: 3 } },
                      { id: ids[0], fileName: 'a.txt', fileSize: { bytes: 3 } },
                      { id: ids[1], fileName: 'b.csv', fileSize: { bytes: 3 } },
                      { id: ids[2], fileName: 'c.json', fileSize: { bytes: 2 } },
                    ],
                  },
                },
              },
            ],
          },
        },
      },
    });
  });

  it('plain.getTimeline shows the files on the reply that carried them, with their size and type', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const png = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    const sent = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'screenshot',
      attachments: [{ file: png, fileName: 'shot.png' }],
    });
    if (!sent.ok) throw new Error(sent.error.message);
    const timeline = await plain.getTimeline({ threadId: thread.id, first: 5 });
    if (!timeline.ok) throw new Error(timeline.error.message);
    expect(timeline.data.entries.map((e) => e.entry)).toEqual([
      expect.objectContaining({
        kind: 'chat',
        text: 'screenshot',
        attachments: [
          { id: sent.uploaded?.[0]?.attachmentId, fileName: 'shot.png', fileSizeBytes: 4, mimeType: 'image/png' },
        ],
      }),
    ]);
  });

  it('an upload that fails stops the call before the reply, listing the files uploaded; a retry with their ids uploads only the rest', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const files = Array.from({ length: 8 }, (_, i) => file(`f${i}.txt`));
    fake.failNext({ operation: 'AttachmentUpload', status: 400 });
    const result = await plain.replyToThread({ threadId: thread.id, textContent: 'files', attachments: files });
    expect(result).toMatchObject({
      ok: false,
      step: 'upload',
      error: { kind: 'attachment_rejected', source: 'storage' },
    });
    expect(operations()).not.toContain('ReplyToThread');
    const uploaded = result.uploaded ?? [];
    // Every file started is either the one refused or uploaded and listed: none is left half done.
    expect(operations().filter((o) => o === 'CreateAttachmentUploadUrl')).toHaveLength(uploaded.length + 1);
    expect(uploaded.length).toBeLessThan(files.length);
    for (const u of uploaded) expect(fake.attachment(u.attachmentId)?.uploadedAt).toBeInstanceOf(Date);
    expect(fake.uploads.filter((u) => u.status === 204)).toHaveLength(uploaded.length);

    const done = new Set(uploaded.map((u) => u.index));
    const retry = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'files',
      attachmentIds: uploaded.map((u) => u.attachmentId),
      attachments: files.filter((_, i) => !done.has(i)),
    });
    expect(retry.ok).toBe(true);
    expect(fake.uploads.filter((u) => u.status === 204)).toHaveLength(8);
    expect(fake.messages(thread.id)[0]?.attachmentIds).toHaveLength(8);
  });

  it('a reply that fails after the uploads says step reply and lists every file uploaded', async () => {
    const thread = fake.addThread({ channel: 'SLACK' });
    fake.failNext({ operation: 'ReplyToThread', status: 401 });
    const result = await plain.replyToThread({
      threadId: thread.id,
      textContent: 'files',
      attachments: [file('a.txt'), file('b.txt')],
    });
    expect(result).toMatchObject({ ok: false, step: 'reply', error: { kind: 'unauthenticated' } });
    expect(result.uploaded?.map((u) => u.fileName)).toEqual(['a.txt', 'b.txt']);
    expect(
      fake.requests.filter((r) => r.operationName === 'CreateAttachmentUploadUrl').map((r) => r.variables),
    ).toEqual([
      { input: expect.objectContaining({ attachmentType: 'SLACK', customerId: thread.customerId }) },
      { input: expect.objectContaining({ attachmentType: 'SLACK', customerId: thread.customerId }) },
    ]);
  });

  it('an empty attachments list replies as without it', async () => {
    const thread = fake.addThread({ channel: 'CHAT' });
    const result = await plain.replyToThread({ threadId: thread.id, textContent: 'no files', attachments: [] });
    expect(result).toMatchObject({ ok: true, uploaded: [] });
    expect(operations()).toEqual(['GetThread', 'ReplyToThread']);
  });
});
