/** Thrown by `readCappedText` at the cap, after the stream was cancelled. */
export class TooLarge extends Error {}

/**
 * `promise`, or the rejection of `stopped` if that comes first: a fetch (or a body) that ignores its abort signal
 * cannot hold a call. `stopped` is a promise rather than an AbortSignal listener because Node 20 makes adding and
 * removing an abort listener costly, and an attempt awaits several times.
 */
export function untilStopped<T>(promise: Promise<T>, stopped: Promise<never> | undefined): Promise<T> {
  if (!stopped) return promise;
  promise.catch(() => {}); // may settle after the race is decided: not an unhandled rejection
  return Promise.race([promise, stopped]);
}

/**
 * A request's or an answer's body as text, read chunk by chunk and counted in decoded bytes (fetch inflates gzip or
 * brotli itself, so a small compressed answer cannot grow past the cap). Throws TooLarge at the cap, after cancelling
 * the stream; stops waiting when `stopped` rejects.
 */
export async function readCappedText(
  message: { body: ReadableStream<Uint8Array> | null; headers: Headers; text(): Promise<string> },
  maxBytes: number,
  stopped?: Promise<never>,
): Promise<string> {
  if (Number(message.headers.get('content-length')) > maxBytes) throw new TooLarge();
  if (!message.body) {
    const text = await untilStopped(Promise.resolve(message.text()), stopped);
    if (typeof text !== 'string' || text.length > maxBytes) throw new TooLarge();
    return text;
  }
  const reader = message.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await untilStopped(reader.read(), stopped);
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
