import { startAttempt } from './attempt.js';
import type { AttachmentRejectedReason, PlainError } from './errors.js';
import { readCappedText, TooLarge, untilStopped } from './read-capped.js';
import { redactResult } from './redact.js';
import { neverConnected, type PlainCause, plainCause, textOf } from './transport.js';

/** An upload form as createAttachmentUploadUrl hands it out: where to post, and the fields to post before the file. */
export interface UploadForm {
  url: string;
  fields: readonly { key: string; value: string }[];
}

/** The most of a storage's error answer read: its XML error is a few hundred bytes. */
const MAX_ERROR_BYTES = 16 * 1024;

/**
 * How one POST of an upload form ended: `stored` (a 2xx), `refused` (an error answer, with the storage's code and
 * message when it sent its XML error), or as a GraphQL attempt ends (`not_sent`, `lost`, `timeout`, `aborted`,
 * `redirected`, which is never followed).
 */
export interface UploadExchange {
  ending: 'stored' | 'refused' | 'not_sent' | 'lost' | 'timeout' | 'aborted' | 'redirected';
  status?: number;
  /** The storage's error code (`EntityTooLarge`, `AccessDenied`, …) and message. */
  code?: string;
  message?: string;
  cause?: PlainCause;
  durationMs: number;
}

/**
 * Posts one upload form, as `multipart/form-data`: every field in the order given, then the file, in a field named
 * `file` (fetch writes the boundary). Nothing else goes with it: no Authorization, no cookies, no header of the
 * client's. Within `timeoutMs`; one AbortController per attempt combines the deadline and the caller's signal, and
 * whatever ends the attempt early cancels the request. Reads at most 16 KB of an error answer. Never rejects.
 */
export async function postUploadForm(
  fetcher: typeof fetch | undefined,
  form: UploadForm,
  file: { blob: Blob; fileName: string },
  options: { signal?: AbortSignal; timeoutMs: number; apiKey?: string },
): Promise<UploadExchange> {
  const started = Date.now();
  const attempt = startAttempt(options);
  const { signal } = options;

  const ended = (exchange: Omit<UploadExchange, 'durationMs'>): UploadExchange => ({
    ...exchange,
    durationMs: Date.now() - started,
  });
  let response: Response | undefined;
  try {
    const body = new FormData();
    for (const { key, value } of form.fields) body.append(key, value);
    body.append('file', file.blob, file.fileName);
    const init: RequestInit = {
      method: 'POST',
      body,
      signal: attempt.signal,
      redirect: 'manual',
      credentials: 'omit',
    };
    response = await untilStopped(
      Promise.resolve((fetcher ?? globalThis.fetch).call(globalThis, form.url, init)),
      attempt.stopped,
    );
    const { status } = response;
    if ((status >= 300 && status < 400) || response.type === 'opaqueredirect')
      return ended({ ending: 'redirected', status });
    if (status >= 200 && status < 300) {
      response.body?.cancel().catch(() => {});
      return ended({ ending: 'stored', status });
    }
    let text = '';
    try {
      text = await readCappedText(response, MAX_ERROR_BYTES, attempt.stopped);
    } catch (error) {
      // An error answer too long to be the storage's XML is judged by its status alone.
      if (!(error instanceof TooLarge)) throw error;
    }
    const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
    const message = /<Message>([^<]{1,500})<\/Message>/.exec(text)?.[1];
    return ended({ ending: 'refused', status, ...(code ? { code } : {}), ...(message ? { message } : {}) });
  } catch (error) {
    const status = response ? { status: response.status } : {};
    if (attempt.timedOut) return ended({ ending: 'timeout', ...status });
    if (signal?.aborted) return ended({ ending: 'aborted', ...status });
    const ending = !response && neverConnected(error) ? 'not_sent' : 'lost';
    return ended({ ending, cause: redactResult(plainCause(error), options.apiKey), ...status });
  } finally {
    attempt.end({ cancel: true });
  }
}

/** The reason of `attachment_rejected` for a storage's error code. */
function reasonFor(exchange: UploadExchange): AttachmentRejectedReason {
  switch (exchange.code) {
    case 'EntityTooLarge':
      return 'too_large';
    case 'EntityTooSmall':
      return 'too_small';
    case 'AccessDenied':
      // S3 says "Invalid according to Policy: Policy expired." for a form past its expiry.
      return /expired/i.test(exchange.message ?? '') ? 'expired' : 'access_denied';
    case undefined:
      return exchange.status === 403 ? 'access_denied' : 'other';
    default:
      return 'other';
  }
}

/**
 * The error of a failed upload POST, one attempt's worth (`attempts` is set by the caller): the storage's refusals
 * become `attachment_rejected`; a 5xx, a lost connection and a timeout are transient (`retryable`).
 */
export function uploadError(exchange: UploadExchange, context: { fileName: string; timeoutMs: number }): PlainError {
  const { fileName } = context;
  const status = exchange.status === undefined ? {} : { status: exchange.status };
  const base = { attempts: 1, ...status };
  const cause = exchange.cause?.message ?? 'fetch failed';
  switch (exchange.ending) {
    case 'not_sent':
    case 'lost':
      return {
        ...base,
        kind: 'network',
        retryable: true,
        cause: exchange.cause,
        message: `The upload of ${fileName} failed on the way to the storage (${cause}).`,
      };
    case 'timeout':
      return {
        ...base,
        kind: 'timeout',
        retryable: true,
        timeoutMs: context.timeoutMs,
        message: `The upload of ${fileName} got no answer within ${context.timeoutMs} ms.`,
      };
    case 'aborted':
      return {
        ...base,
        kind: 'aborted',
        retryable: true,
        message: `The upload of ${fileName} was aborted by the caller.`,
      };
    case 'redirected':
      return {
        ...base,
        kind: 'unexpected_response',
        retryable: false,
        message: `The storage answered the upload of ${fileName} with a redirect (HTTP ${exchange.status}), which is never followed.`,
      };
    default:
      break;
  }
  if ((exchange.status ?? 0) >= 500) {
    const code = exchange.code ? ` ${exchange.code}` : '';
    return {
      ...base,
      kind: 'server_error',
      retryable: true,
      message: `The storage answered the upload of ${fileName} with an error (HTTP ${exchange.status}${code}).`,
    };
  }
  const said = exchange.message ? `: ${textOf(exchange.message)}` : '';
  return {
    ...base,
    kind: 'attachment_rejected',
    retryable: false,
    reason: reasonFor(exchange),
    source: 'storage',
    ...(exchange.code ? { code: exchange.code } : {}),
    fileName,
    message: `The storage refused the upload of ${fileName} (HTTP ${exchange.status} ${exchange.code ?? ''})${said}`,
  };
}
