// replyToThread({ …, attachments: [{ file, fileName }] }): every check first (the reply's input, the number of files,
// each file, the channel, the combined size on that channel), then the uploads (at most UPLOAD_CONCURRENCY at a time),
// then the reply with their ids, as validated here. Loaded only when a reply carries files.
import {
  attachmentTypeForChannel,
  hasBannedExtension,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_MESSAGE,
} from '../attachment-rules.js';
import { abortedBeforeSending, type InputIssue, invalidInput, type PlainError } from '../errors.js';
import type { ThreadChannel } from '../generated/graphql.js';
import type { CheckedReply, ReplyToThreadResult } from '../reply-to-thread.js';
import type { Sender } from '../send.js';
import type { ThreadCache } from '../thread-cache.js';
import { channelRefusal, parseInput, ReplyToThreadInput } from '../validation.js';
import {
  type CheckedFile,
  checkFile,
  rejectedLocally,
  threadForFiles,
  type UploadedAttachment,
  uploadChecked,
} from './attachments.js';
import type { Call } from './pipeline.js';

/** Files uploaded at once for one reply. */
const UPLOAD_CONCURRENCY = 4;

/** A file of `attachments` that this call uploaded: `index` is its place in `attachments`. */
export interface UploadedReplyFile extends UploadedAttachment {
  index: number;
}

/**
 * What a reply with `attachments` adds to its result. `uploaded`: the files this call uploaded (in `attachments`
 * order), on success and failure alike. `step`, on failure: `upload` when the call stopped before the reply was sent
 * (a check, the thread lookup or an upload failed), `reply` when every file was uploaded and the reply failed. To try
 * again without uploading twice, pass the uploaded ids in `attachmentIds` and only the other files in `attachments`.
 */
export interface ReplyFilesReport {
  step?: 'upload' | 'reply';
  uploaded?: UploadedReplyFile[];
}

type Request = Omit<CheckedReply, 'reply'> & { input: unknown };
type Reply = (sender: Sender, threads: ThreadCache, request: CheckedReply) => Promise<ReplyToThreadResult>;

const stoppedAt = (step: 'upload' | 'reply', uploaded: UploadedReplyFile[], error: PlainError, meta: object = {}) =>
  ({ ok: false as const, error, ...meta, step, uploaded }) as ReplyToThreadResult;

/** Reads `attachments` and the rest of the reply's input, each property once. */
function split(input: object): { attachments: unknown; rest: Record<string, unknown> } {
  const { attachments, ...rest } = input as Record<string, unknown>;
  return { attachments, rest };
}

/** Checks each `{ file, fileName }` of `attachments` (at most MAX_ATTACHMENTS_PER_MESSAGE with the ids given). */
function checkFiles(
  attachments: unknown,
  idsGiven: number,
): { ok: true; files: CheckedFile[] } | { ok: false; issues: InputIssue[] } {
  if (!Array.isArray(attachments))
    return { ok: false, issues: [{ path: 'attachments', message: 'must be a list of { file, fileName }' }] };
  const room = MAX_ATTACHMENTS_PER_MESSAGE - idsGiven;
  if (attachments.length > room) {
    const message = `must hold at most ${MAX_ATTACHMENTS_PER_MESSAGE} files together with attachmentIds (Plain's limit per message)`;
    return { ok: false, issues: [{ path: 'attachments', message }] };
  }
  const issues: InputIssue[] = [];
  const files: CheckedFile[] = [];
  attachments.forEach((item: unknown, i) => {
    if (typeof item !== 'object' || item === null) {
      issues.push({ path: `attachments[${i}]`, message: 'must be { file, fileName }' });
      return;
    }
    const { file, fileName } = item as Record<string, unknown>;
    const checked = checkFile({ file, fileName }, `attachments[${i}].`);
    if (checked.ok) files.push(checked.file);
    else issues.push(...checked.issues);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, files };
}

/** Uploads every file, at most UPLOAD_CONCURRENCY at a time; after a failure none is started, those under way finish. */
async function uploadAll(call: Call, files: CheckedFile[], target: Parameters<typeof uploadChecked>[2]) {
  const uploaded: UploadedReplyFile[] = [];
  let failure: Awaited<ReturnType<typeof uploadChecked>> | undefined;
  let next = 0;
  const worker = async () => {
    while (!failure && next < files.length) {
      const index = next++;
      const file = files[index] as CheckedFile;
      const result = await uploadChecked(call, file, target);
      if (result.ok) uploaded.push({ index, ...result.data });
      else failure ??= result;
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, files.length) }, worker));
  uploaded.sort((a, b) => a.index - b.index);
  return { uploaded, failure };
}

/** A reply with files: checks, uploads, then `reply` with their ids. Never rejects. */
export async function replyWithFiles(
  sender: Sender,
  threads: ThreadCache,
  request: Request,
  reply: Reply,
): Promise<ReplyToThreadResult> {
  const call: Call = { sender, threads, policy: request.policy };
  const none: UploadedReplyFile[] = [];
  let parts: ReturnType<typeof split>;
  try {
    parts = split(request.input as object);
  } catch {
    return stoppedAt(
      'upload',
      none,
      invalidInput([{ path: '(input)', message: 'could not be read (a getter or Proxy threw)' }]),
    );
  }
  const { attachments, rest } = parts;

  // 1. The reply itself and every file, before anything is sent.
  const parsed = await parseInput(ReplyToThreadInput, rest);
  const checked = checkFiles(attachments, parsed.ok ? (parsed.data.attachmentIds?.length ?? 0) : 0);
  const issues = [...(parsed.ok ? [] : parsed.issues), ...(checked.ok ? [] : checked.issues)];
  if (!parsed.ok || !checked.ok) return stoppedAt('upload', none, invalidInput(issues));
  const { files } = checked;
  const banned = files.find((f) => hasBannedExtension(f.fileName));
  if (banned) return stoppedAt('upload', none, rejectedLocally(banned, { reason: 'file_type_not_allowed' }));
  const { threadId } = parsed.data;
  if (files.length === 0) {
    const result = await reply(sender, threads, { ...request, reply: parsed.data });
    return result.ok ? { ...result, uploaded: none } : { ...result, step: 'reply', uploaded: none };
  }

  // 2. The channel (given, cached or looked up) and the combined size it allows; the customer the files are for.
  let channel: ThreadChannel | undefined =
    request.thread?.id === threadId ? request.thread.channel : threads.get(threadId);
  let customerId: string | undefined;
  const lookUp = async () => {
    if (request.policy.signal?.aborted) return abortedBeforeSending('replyToThread', 0);
    const thread = await threadForFiles(call, threadId);
    if (!thread.ok) return thread.error;
    channel = thread.channel;
    customerId = thread.customerId;
    return undefined;
  };
  if (channel === undefined) {
    const failedLookup = await lookUp();
    if (failedLookup) return stoppedAt('upload', none, failedLookup);
  }
  const known = channel as ThreadChannel;
  // A channel Plain does not reply on (or options it does not take there): the reply refuses it, sending nothing.
  if (channelRefusal(known, parsed.data))
    return {
      ...(await reply(sender, threads, { ...request, reply: parsed.data, thread: { id: threadId, channel: known } })),
      step: 'upload',
      uploaded: none,
    };
  const attachmentType = attachmentTypeForChannel(known);
  const limitBytes = MAX_ATTACHMENT_BYTES[attachmentType];
  const total = files.reduce((sum, f) => sum + f.sizeBytes, 0);
  if (total > limitBytes) {
    const error: PlainError = {
      kind: 'attachment_rejected',
      reason: 'too_large',
      source: 'local',
      limitBytes,
      attempts: 0,
      retryable: false,
      message: `The files come to ${total} bytes, over ${limitBytes}, the most one message takes on ${known} threads. Nothing was sent.`,
    };
    return stoppedAt('upload', none, error);
  }
  if (customerId === undefined) {
    const failedLookup = await lookUp();
    if (failedLookup) return stoppedAt('upload', none, failedLookup);
  }

  // 3. The uploads, then the reply with every id.
  const { uploaded, failure } = await uploadAll(call, files, { customerId: customerId as string, attachmentType });
  if (failure && !failure.ok) {
    const { requestId, rateLimit } = failure;
    return stoppedAt('upload', uploaded, failure.error, {
      ...(requestId ? { requestId } : {}),
      ...(rateLimit ? { rateLimit } : {}),
    });
  }
  const attachmentIds = [...(parsed.data.attachmentIds ?? []), ...uploaded.map((u) => u.attachmentId)];
  const result = await reply(sender, threads, {
    ...request,
    reply: { ...parsed.data, attachmentIds },
    thread: { id: threadId, channel: known },
  });
  return result.ok ? { ...result, uploaded } : { ...result, step: 'reply', uploaded };
}
