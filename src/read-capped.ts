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

type Body = { body: ReadableStream<Uint8Array> | null; headers: Headers };

/**
 * A request's or an answer's body as bytes, read chunk by chunk and counted as they come (fetch inflates gzip or brotli
 * itself, so a small compressed answer cannot grow past the cap). Throws TooLarge at the cap, after cancelling the
 * stream; stops waiting when `stopped` rejects. `onChunk` sees each chunk as it arrives.
 */
async function readCapped(
  message: Body,
  maxBytes: number,
  read: { stopped?: Promise<never> | undefined; onChunk: (chunk: Uint8Array) => void },
): Promise<void> {
  if (Number(message.headers.get('content-length')) > maxBytes) throw new TooLarge();
  if (!message.body) return;
  const reader = message.body.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await untilStopped(reader.read(), read.stopped);
      if (done) return;
      if (!(value instanceof Uint8Array)) throw new TypeError('The stream gave something other than bytes.');
      bytes += value.byteLength;
      if (bytes > maxBytes) throw new TooLarge();
      read.onChunk(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
}

/** A body as text (see `readCapped`); a message without a stream is read with `text()`, under the same cap. */
export async function readCappedText(
  message: Body & { text(): Promise<string> },
  maxBytes: number,
  stopped?: Promise<never>,
): Promise<string> {
  if (!message.body) {
    const text = await untilStopped(Promise.resolve(message.text()), stopped);
    if (typeof text !== 'string' || text.length > maxBytes) throw new TooLarge();
    return text;
  }
  const decoder = new TextDecoder();
  let text = '';
  await readCapped(message, maxBytes, {
    stopped,
    onChunk: (chunk) => (text += decoder.decode(chunk, { stream: true })),
  });
  return text + decoder.decode();
}

/** A body's raw bytes (see `readCapped`): what a signature is checked over, never decoded first. */
export async function readCappedBytes(message: Body, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  await readCapped(message, maxBytes, { onChunk: (chunk) => chunks.push(chunk) });
  const bytes = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
