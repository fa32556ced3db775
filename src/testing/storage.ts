// The fake's attachment storage: the endpoint that takes the multipart POST of an upload form from
// createAttachmentUploadUrl and enforces its policy as Plain's storage (S3) does: the form's
// fields as issued, the file last, exactly the size the form names, before it expires, fields before the file under
// 20 KB. It answers 204 on success and S3's XML `<Error>` otherwise, with CORS headers so that a page on another
// origin can post to it.
import type { FakeFault } from './faults.js';
import type { FakeWorkspace } from './workspace.js';

/** The path of the storage endpoint, on the fake's own origin (`fake.listen()`) or on `fake.storageUrl`. */
export const STORAGE_PATH = '/fake-storage/upload';
/** Where upload forms post when the fake is used in-process (`fake.fetch`, MSW): no such host exists. */
export const IN_PROCESS_STORAGE_URL = `https://uploads.fake-plain.example${STORAGE_PATH}`;
/** S3 refuses a form whose fields before the file take this many bytes or more. */
export const MAX_FORM_FIELDS_BYTES = 20 * 1024;
/** A body longer than this is refused from its Content-Length alone, unread. */
const MAX_BODY_BYTES = 101 * 1024 * 1024;

/** One field of a form the storage endpoint received: a text field, or the file. */
export type FakeUploadField =
  | { name: string; value: string }
  | { name: string; fileName: string; sizeBytes: number; type: string };

/** A POST the storage endpoint received, and how it answered. */
export interface FakeUpload {
  /** The form's fields in the order they arrived (empty when the body was not a form). */
  fields: FakeUploadField[];
  /** The request's headers, names in lower case. */
  headers: Record<string, string>;
  /** The status it answered with: 204 when the file was stored. */
  status: number;
  /** S3's error code when it refused (`EntityTooLarge`, `AccessDenied`, …). */
  code?: string;
  /** The attachment the form's key names, when it names one. */
  attachmentId?: string;
}

export type StorageOutcome = { response: Response } | { drop: 'refused' | 'before' | 'after' };

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'etag, location, x-amz-request-id',
};

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** S3's error answer: `<Error><Code>…</Code><Message>…</Message>…</Error>`. */
function s3Error(status: number, code: string, message: string, extra: Record<string, string | number> = {}) {
  const fields = Object.entries({ Code: code, Message: message, ...extra, RequestId: 'FAKEREQUESTID' })
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>`, {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'FAKEREQUESTID', ...CORS },
  });
}

/** The answer to a CORS preflight for the storage endpoint. */
export const storagePreflight = () =>
  new Response(null, {
    status: 204,
    headers: {
      ...CORS,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': '*',
      'access-control-max-age': '600',
    },
  });

const byteLength = (text: string) => new TextEncoder().encode(text).byteLength;

/**
 * Answers one request to the storage endpoint and records it in `uploads`. `fault` (queued with
 * `failNext({ operation: 'AttachmentUpload', … })`) answers with a status (S3's XML) or drops the connection;
 * `drop: 'after'` stores the file first.
 */
export async function answerUpload(
  request: Request,
  context: { workspace: FakeWorkspace; uploads: FakeUpload[]; fault: FakeFault | undefined },
): Promise<StorageOutcome> {
  const { workspace, fault } = context;
  if (request.method === 'OPTIONS') return { response: storagePreflight() };
  if (fault?.drop === 'refused') return { drop: 'refused' };
  const headers = Object.fromEntries(request.headers);
  const upload: FakeUpload = { fields: [], headers, status: 0 };
  context.uploads.push(upload);
  const answer = (response: Response): StorageOutcome => {
    upload.status = response.status;
    return { response };
  };
  const refuse = (status: number, code: string, message: string, extra?: Record<string, string | number>) => {
    upload.code = code;
    return answer(s3Error(status, code, message, extra));
  };

  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault?.drop === 'before') return { drop: 'before' };
  if (request.method !== 'POST')
    return refuse(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  if (!/^multipart\/form-data\s*;/i.test(request.headers.get('content-type') ?? ''))
    return refuse(412, 'PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data');
  const declared = Number(request.headers.get('content-length'));
  if (declared > MAX_BODY_BYTES)
    return refuse(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');

  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return refuse(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
  }
  const entries = [...form.entries()];
  upload.fields = entries.map(([name, value]) =>
    typeof value === 'string'
      ? { name, value }
      : { name, fileName: value.name, sizeBytes: value.size, type: value.type },
  );
  if (fault?.status) {
    const code = fault.status === 503 ? 'SlowDown' : fault.status >= 500 ? 'InternalError' : 'InvalidRequest';
    return refuse(fault.status, code, 'The fake storage was told to fail this request.');
  }
  const fileAt = entries.findIndex(([, value]) => typeof value !== 'string');
  const fileEntry = entries[fileAt];
  if (!fileEntry || typeof fileEntry[1] === 'string')
    return refuse(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', {
      ArgumentName: 'file',
    });
  if (fileAt !== entries.length - 1 || fileEntry[0] !== 'file') {
    return refuse(
      400,
      'MalformedPOSTRequest',
      'The body of your POST request is not well-formed multipart/form-data: the file, in a field named "file", must be the last field.',
    );
  }
  const file = fileEntry[1];
  const fields = new Map<string, string>();
  let fieldBytes = 0;
  for (const [name, value] of entries.slice(0, fileAt)) {
    fields.set(name.toLowerCase(), value as string);
    fieldBytes += byteLength(name) + byteLength(value as string);
  }
  if (fieldBytes >= MAX_FORM_FIELDS_BYTES)
    return refuse(
      400,
      'MaxPostPreDataLengthExceeded',
      'Your POST request fields preceding the upload file were too large.',
    );

  const key = fields.get('key');
  if (key === undefined)
    return refuse(400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.", { ArgumentName: 'key' });
  const attachment = [...workspace.attachments.values()].find((a) => a.key === key);
  if (attachment) upload.attachmentId = attachment.id;
  if (!attachment || fields.get('policy') === undefined)
    return refuse(403, 'AccessDenied', 'Invalid according to Policy: no policy of this bucket names this key.');
  if (Date.now() > attachment.expiresAt.getTime())
    return refuse(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  const unmet = attachment.formData.find((f) => fields.get(f.key.toLowerCase()) !== f.value);
  if (unmet)
    return refuse(
      403,
      'AccessDenied',
      `Invalid according to Policy: Policy Condition failed: ["eq", "$${unmet.key.toLowerCase()}", "…"]`,
    );
  if (file.size > attachment.sizeBytes)
    return refuse(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
      ProposedSize: file.size,
      MaxSizeAllowed: attachment.sizeBytes,
    });
  if (file.size < attachment.sizeBytes)
    return refuse(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
      ProposedSize: file.size,
      MinSizeAllowed: attachment.sizeBytes,
    });

  attachment.uploadedAt = new Date();
  attachment.mimeType = file.type || 'application/octet-stream';
  if (fault?.drop === 'after') return { drop: 'after' };
  return answer(
    new Response(null, {
      status: 204,
      headers: {
        ...CORS,
        etag: `"${attachment.id.slice(4)}"`,
        location: `https://fake-plain-attachments.example/${encodeURIComponent(key)}`,
        'x-amz-request-id': 'FAKEREQUESTID',
      },
    }),
  );
}
