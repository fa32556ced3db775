/** Thrown by `readCappedText` at the cap, after the stream was cancelled. */
export class TooLarge extends Error {}

/** `promise`, or a rejection as soon as `signal` fires: a fetch (or body) that ignores its signal cannot hold a call. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => {}); // settles after we stopped listening: not an unhandled rejection
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A request's or an answer's body as text, read chunk by chunk and counted in decoded bytes (fetch inflates gzip or
 * brotli itself, so a small compressed answer cannot grow past the cap). Throws TooLarge at the cap, after cancelling
 * the stream; stops waiting when `signal` fires.
 */
export async function readCappedText(
  message: { body: ReadableStream<Uint8Array> | null; headers: Headers; text(): Promise<string> },
  maxBytes: number,
  signal?: AbortSignal,
): Promise<string> {
  if (Number(message.headers.get('content-length')) > maxBytes) throw new TooLarge();
  if (!message.body) {
    const text = await untilAborted(Promise.resolve(message.text()), signal);
    if (typeof text !== 'string' || text.length > maxBytes) throw new TooLarge();
    return text;
  }
  const reader = message.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await untilAborted(reader.read(), signal);
      if (done) return text + decoder.decode();
      if (!(value instanceof Uint8Array)) throw new TypeError('The stream gave something other than bytes.');
      bytes += value.byteLength;
      if (bytes > maxBytes) throw new TooLarge();
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
}
