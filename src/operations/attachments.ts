// uploadAttachment: check the file locally → know the thread's customer and channel → createAttachmentUploadUrl →
// POST the upload form to Plain's storage (src/upload-form.ts). Also the steps replies with files reuse.
import {
  ATTACHMENT_TYPES,
  type AttachmentType,
  attachmentTypeForChannel,
  hasBannedExtension,
  MAX_ATTACHMENT_BYTES,
} from '../attachment-rules.js';
import { abortedBeforeSending, type InputIssue, invalidInput, type PlainError } from '../errors.js';
import { CreateAttachmentUploadUrlDocument } from '../generated/attachments.js';
import type { ThreadChannel } from '../generated/graphql.js';
import { isMutationError } from '../mutation-error.js';
import { getThread, operation } from '../operations.js';
import type { Result } from '../result.js';
import { backoffMs } from '../retry.js';
import { callHook, send } from '../send.js';
import { textOf } from '../transport.js';
import { postUploadForm, type UploadForm, uploadError } from '../upload-form.js';
import { isNonBlankString } from '../validation.js';
import { waitUnlessAborted } from '../wait.js';
import { answerWithout, type Call, failed, refusedBy } from './pipeline.js';

export type { AttachmentType } from '../attachment-rules.js';

/** A file to upload: its bytes, whose size must be known exactly (a `File` is a `Blob`). */
export type AttachmentFile = Blob | Uint8Array | ArrayBuffer;

/**
 * The input of `uploadAttachment`. With a `threadId`, the customer comes from the thread, and so does the attachment
 * type unless given (`attachmentTypeForChannel`: EMAIL and API → EMAIL, CHAT, SLACK, MS_TEAMS, DISCORD as themselves,
 * other channels → CUSTOM_TIMELINE_ENTRY). With a `customerId`, give the `attachmentType`.
 */
export type UploadAttachmentInput = {
  file: AttachmentFile;
  /** The name the customer sees, extension included. */
  fileName: string;
} & (
  | { threadId: string; customerId?: null; attachmentType?: AttachmentType | null }
  | { customerId: string; threadId?: null; attachmentType: AttachmentType }
);

/** An uploaded file: put `attachmentId` in a reply's (or note's) `attachmentIds` before `expiresAt`. */
export interface UploadedAttachment {
  attachmentId: string;
  fileName: string;
  sizeBytes: number;
  /** When the upload form expires (ISO 8601); a file no message references is deleted by Plain a day after upload. */
  expiresAt: string;
}
export type UploadAttachmentResult = Result<UploadedAttachment>;

/** A file read and checked: its bytes as a Blob (a copy of a Uint8Array or ArrayBuffer, so later changes do not count). */
export interface CheckedFile {
  blob: Blob;
  fileName: string;
  sizeBytes: number;
}

const MAX_NAME_LENGTH = 1_000;
/** The largest file any attachment type takes: a larger one is refused before anything else. */
const LARGEST_LIMIT = Math.max(...Object.values(MAX_ATTACHMENT_BYTES));

export const CREATE_ATTACHMENT_UPLOAD_URL = /* @__PURE__ */ operation(
  CreateAttachmentUploadUrlDocument,
  'CreateAttachmentUploadUrl',
  // Repeating it is harmless: an attachment never uploaded is deleted by Plain after a day.
  { mutationField: 'createAttachmentUploadUrl', idempotent: true },
);

/** The size of a file of a supported kind, or undefined. A Blob whose size is not a whole number is not one. */
function sizeOf(file: unknown): number | undefined {
  let size: unknown;
  if (typeof Blob === 'function' && file instanceof Blob) size = file.size;
  else if (file instanceof Uint8Array || file instanceof ArrayBuffer) size = file.byteLength;
  return Number.isSafeInteger(size) && (size as number) >= 0 ? (size as number) : undefined;
}

/**
 * Reads one `{ file, fileName }` into a checked file, or the issues with it (paths under `at`): a file of known size
 * that is not empty, and a name that is not blank. Its extension and size limit are checked by the caller.
 */
export function checkFile(
  value: { file: unknown; fileName: unknown },
  at: string,
): { ok: true; file: CheckedFile } | { ok: false; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const { file, fileName } = value;
  const size = sizeOf(file);
  if (size === undefined)
    issues.push({ path: `${at}file`, message: 'must be a Blob, File, Uint8Array or ArrayBuffer of known size' });
  else if (size === 0) issues.push({ path: `${at}file`, message: 'must not be empty (0 bytes)' });
  if (typeof fileName !== 'string') issues.push({ path: `${at}fileName`, message: 'must be a string' });
  else if (fileName.length > MAX_NAME_LENGTH)
    issues.push({
      path: `${at}fileName`,
      message: `must be at most ${MAX_NAME_LENGTH.toLocaleString('en-US')} characters`,
    });
  else if (!isNonBlankString(fileName)) issues.push({ path: `${at}fileName`, message: 'must not be empty' });
  if (issues.length > 0 || size === undefined || typeof fileName !== 'string') return { ok: false, issues };
  const blob = file instanceof Blob ? file : new Blob([(file as Uint8Array | ArrayBuffer).slice(0)]);
  return { ok: true, file: { blob, fileName, sizeBytes: size } };
}

/** `attachment_rejected` before anything was sent. */
export function rejectedLocally(
  file: CheckedFile,
  refusal: { reason: 'too_large'; limitBytes: number; what: string } | { reason: 'file_type_not_allowed' },
): PlainError {
  const name = textOf(file.fileName, 200);
  const base = {
    kind: 'attachment_rejected' as const,
    source: 'local' as const,
    attempts: 0,
    retryable: false,
    fileName: file.fileName,
  };
  if (refusal.reason === 'file_type_not_allowed')
    return {
      ...base,
      reason: refusal.reason,
      message: `Plain does not take files like ${name} (its extension). Nothing was sent.`,
    };
  const { limitBytes, what } = refusal;
  const message = `${name} is ${file.sizeBytes} bytes, over ${limitBytes}, the limit of ${what}. Nothing was sent.`;
  return { ...base, reason: 'too_large', limitBytes, message };
}

/** The thread's customer and channel, looked up (its channel is cached), or the failed lookup. */
export async function threadForFiles(
  call: Call,
  threadId: string,
): Promise<{ ok: true; customerId: string; channel: ThreadChannel } | { ok: false; error: PlainError }> {
  const found = await getThread(call.sender, { threadId }, call.policy);
  if (!found.ok) {
    if (found.error.kind === 'thread_not_found') call.threads.delete(threadId);
    return found;
  }
  call.threads.set(found.data.id, found.data.channel);
  return { ok: true, customerId: found.data.customer.id, channel: found.data.channel };
}

/** The upload form in Plain's answer, when it is one: an http(s) URL and string fields. */
function formIn(answer: unknown): { form: UploadForm; attachmentId: string; expiresAt: string } | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { attachment, uploadFormUrl, uploadFormData, expiresAt } = answer as Record<string, unknown>;
  const id = (attachment as { id?: unknown } | null)?.id;
  const expiry = (expiresAt as { iso8601?: unknown } | null)?.iso8601;
  if (typeof id !== 'string' || typeof expiry !== 'string' || typeof uploadFormUrl !== 'string') return undefined;
  if (!/^https?:\/\//i.test(uploadFormUrl) || !Array.isArray(uploadFormData)) return undefined;
  const fields = uploadFormData.filter(
    (f): f is { key: string; value: string } => typeof f?.key === 'string' && typeof f?.value === 'string',
  );
  if (fields.length !== uploadFormData.length) return undefined;
  return { form: { url: uploadFormUrl, fields }, attachmentId: id, expiresAt: expiry };
}

/**
 * Uploads a checked file for a customer: the type's size limit (nothing sent over it), createAttachmentUploadUrl,
 * then the POST of its form. Both are retried on transient failures (5xx, lost connections, timeouts): minting a form
 * twice is harmless, and posting the same form again is safe until it expires, so a retry posts to the same key.
 */
export async function uploadChecked(
  call: Call,
  file: CheckedFile,
  target: { customerId: string; attachmentType: AttachmentType },
): Promise<UploadAttachmentResult> {
  const limitBytes = MAX_ATTACHMENT_BYTES[target.attachmentType];
  if (file.sizeBytes > limitBytes)
    return failed(
      rejectedLocally(file, { reason: 'too_large', limitBytes, what: `${target.attachmentType} attachments` }),
    );

  const input = {
    customerId: target.customerId,
    fileName: file.fileName,
    fileSizeBytes: file.sizeBytes,
    attachmentType: target.attachmentType,
  };
  const out = await send(call.sender, CREATE_ATTACHMENT_UPLOAD_URL, { input }, call.policy);
  if (!out.ok) return out;
  const { requestId, rateLimit, attempts } = out;
  const payload = out.data.createAttachmentUploadUrl;
  if (isMutationError(payload?.error)) {
    const refused = refusedBy(call, payload.error, {
      field: 'createAttachmentUploadUrl',
      attempts,
      requestId,
      rateLimit,
    });
    if (refused.error.kind === 'attachment_rejected') refused.error.fileName = file.fileName;
    return refused;
  }
  const minted = formIn(payload?.attachmentUploadUrl);
  if (!minted) {
    const error = answerWithout('upload form', { attempts, ...(requestId ? { requestId } : {}), mayHaveRun: false });
    return failed(error, { requestId, rateLimit });
  }

  const { policy, sender } = call;
  const name = textOf(file.fileName, 200);
  const expiresAt = Date.parse(minted.expiresAt);
  for (let attempt = 1; ; attempt++) {
    if (policy.signal?.aborted) return failed(abortedBeforeSending(`The upload of ${name}`, attempt - 1));
    callHook(sender.onRequest, { operationName: 'AttachmentUpload', attempt });
    const exchange = await postUploadForm(sender.transport.fetch, minted.form, file, {
      timeoutMs: policy.timeoutMs,
      ...(policy.signal ? { signal: policy.signal } : {}),
      ...(sender.transport.apiKey ? { apiKey: sender.transport.apiKey } : {}),
    });
    const error =
      exchange.ending === 'stored' ? undefined : uploadError(exchange, { fileName: name, timeoutMs: policy.timeoutMs });
    callHook(sender.onResponse, {
      operationName: 'AttachmentUpload',
      attempt,
      durationMs: exchange.durationMs,
      ...(exchange.status !== undefined ? { status: exchange.status } : {}),
      ...(error ? { errorKind: error.kind } : {}),
    });
    if (!error) {
      const data = {
        attachmentId: minted.attachmentId,
        fileName: file.fileName,
        sizeBytes: file.sizeBytes,
        expiresAt: minted.expiresAt,
      };
      return { ok: true, data, requestId, rateLimit };
    }
    error.attempts = attempt;
    if (error.kind === 'attachment_rejected') error.fileName = file.fileName;
    if (!error.retryable || error.kind === 'aborted' || attempt > policy.maxRetries)
      return failed(error, { rateLimit });
    const delay = backoffMs(attempt);
    // Past its expiry the storage refuses the form: a retry then could only fail.
    if (delay > policy.maxRetryDelayMs || !(Date.now() + delay < expiresAt)) return failed(error, { rateLimit });
    if (!(await waitUnlessAborted(delay, policy.signal)))
      return failed(abortedBeforeSending(`The upload of ${name}`, attempt));
  }
}

/** What `uploadAttachment` reads from its input, each property once (a getter that throws is bad input). */
function readInput(input: unknown) {
  if (typeof input !== 'object' || input === null) return undefined;
  const { threadId, customerId, file, fileName, attachmentType } = input as Record<string, unknown>;
  return { threadId, customerId, file, fileName, attachmentType };
}

/** Uploads one file for a thread's customer or a customer (see `UploadAttachmentInput`). Never rejects. */
export async function uploadAttachment(call: Call, input: unknown): Promise<UploadAttachmentResult> {
  let given: ReturnType<typeof readInput>;
  try {
    given = readInput(input);
  } catch {
    return failed(invalidInput([{ path: '(input)', message: 'could not be read (a getter or Proxy threw)' }]));
  }
  if (!given) return failed(invalidInput([{ path: '(input)', message: 'must be an object' }]));
  const { threadId, customerId, attachmentType } = given;

  const issues: InputIssue[] = [];
  const idIssue = (path: string, value: unknown) => {
    if (typeof value !== 'string' || value.length > MAX_NAME_LENGTH || !isNonBlankString(value))
      issues.push({ path, message: 'must be a non-empty id' });
  };
  if ((threadId == null) === (customerId == null))
    issues.push({ path: 'threadId', message: 'give exactly one of threadId or customerId' });
  else if (threadId != null) idIssue('threadId', threadId);
  else idIssue('customerId', customerId);
  if (attachmentType != null && !ATTACHMENT_TYPES.includes(attachmentType as AttachmentType))
    issues.push({ path: 'attachmentType', message: `must be one of ${ATTACHMENT_TYPES.join(', ')}` });
  if (customerId != null && threadId == null && attachmentType == null)
    issues.push({
      path: 'attachmentType',
      message: 'is required with customerId (with threadId it comes from the channel)',
    });
  const checked = checkFile(given, '');
  if (!checked.ok) issues.push(...checked.issues);
  if (issues.length > 0 || !checked.ok) return failed(invalidInput(issues));

  const { file } = checked;
  if (hasBannedExtension(file.fileName)) return failed(rejectedLocally(file, { reason: 'file_type_not_allowed' }));
  const typeGiven = attachmentType as AttachmentType | null | undefined;
  // Over the largest limit (or the given type's), the file is refused before the thread is looked up.
  const limitBytes = typeGiven ? MAX_ATTACHMENT_BYTES[typeGiven] : LARGEST_LIMIT;
  if (file.sizeBytes > limitBytes) {
    const what = typeGiven ? `${typeGiven} attachments` : 'any attachment';
    return failed(rejectedLocally(file, { reason: 'too_large', limitBytes, what }));
  }

  if (typeof customerId === 'string' && typeGiven)
    return uploadChecked(call, file, { customerId, attachmentType: typeGiven });
  if (call.policy.signal?.aborted) return failed(abortedBeforeSending('uploadAttachment', 0));
  const thread = await threadForFiles(call, threadId as string);
  if (!thread.ok) return thread;
  return uploadChecked(call, file, {
    customerId: thread.customerId,
    attachmentType: typeGiven ?? attachmentTypeForChannel(thread.channel),
  });
}
