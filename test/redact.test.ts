import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, REDACTED, redactKey, redactResult } from '../src/redact.js';

const KEY = 'plainApiKey_a1b2c3/d4e5"f6\\g7';
/** `text` as JSON would write it inside a string, every character escaped as `\uXXXX`. */
const unicodeEscaped = (text: string) =>
  [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

describe('a real key is removed in every form an answer can carry it', () => {
  it('raw, inside other text', () => {
    expect(redactKey(`Bearer ${KEY} was refused`, KEY)).toBe(`Bearer ${REDACTED} was refused`);
    expect(redactKey(`x${KEY}y${KEY}`, KEY)).toBe(`x${REDACTED}y${REDACTED}`);
  });

  it('as JSON text: escaped slashes, quotes and backslashes, and \\u escapes in either case', () => {
    const json = JSON.stringify({ message: `key ${KEY}` });
    expect(json).not.toContain(KEY); // JSON writes the quote and the backslash escaped
    expect(redactKey(json, KEY)).toBe(JSON.stringify({ message: `key ${REDACTED}` }));
    expect(redactKey(KEY.replace('/', '\\/'), KEY)).toBe(REDACTED);
    expect(redactKey(`"${unicodeEscaped(KEY)}"`, KEY)).toBe(`"${REDACTED}"`);
    expect(redactKey(`"${unicodeEscaped(KEY).toUpperCase().replaceAll('\\U', '\\u')}"`, KEY)).toBe(`"${REDACTED}"`);
  });

  it('whatever mix of forms, the parsed text never holds the key', () => {
    const form = (c: string) => fc.constantFrom(c, unicodeEscaped(c), ...(c === '/' ? ['\\/'] : []));
    fc.assert(
      fc.property(fc.tuple(...[...KEY].map(form)), fc.string(), fc.string(), (forms, before, after) => {
        const text = JSON.stringify(before).slice(0, -1) + forms.join('') + JSON.stringify(after).slice(1);
        const cleaned = redactKey(text, KEY);
        let parsed: string;
        try {
          parsed = JSON.parse(cleaned) as string;
        } catch {
          return; // a mix that is not valid JSON (a bare quote or backslash) is not something JSON.parse reads
        }
        expect(parsed).not.toContain(KEY);
      }),
    );
  });
});

describe('a key too short to be a secret never changes anything', () => {
  it.each(['test', 'k', 'x'.repeat(MIN_SECRET_LENGTH - 1)])('%s', (key) => {
    const text = '{"data":{"kind":"th_test_1","k":"test kk"}}';
    expect(redactKey(text, key)).toBe(text);
    const result = { ok: true, data: { threadId: 'th_test_1', kind: 'k' } };
    expect(redactResult(result, key)).toEqual({ ok: true, data: { threadId: 'th_test_1', kind: 'k' } });
  });
});

describe('results', () => {
  it('strings in a result the client built are cleaned in place, keys and other values kept', () => {
    const result = {
      ok: false,
      error: { kind: 'thread_not_found', threadId: KEY, message: `No thread ${KEY}`, attempts: 1 },
    };
    expect(redactResult(result, KEY)).toEqual({
      ok: false,
      error: { kind: 'thread_not_found', threadId: REDACTED, message: `No thread ${REDACTED}`, attempts: 1 },
    });
  });

  it('a deep or cyclic value neither throws nor recurses without end', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 10_000; i++) at = at.next = {} as Record<string, unknown>;
    const cyclic: Record<string, unknown> = { text: KEY };
    cyclic.self = cyclic;
    expect(() => redactResult({ deep, cyclic }, KEY)).not.toThrow();
    expect(cyclic.text).toBe(REDACTED);
  });

  it('without a key, nothing is touched', () => {
    expect(redactKey(`a ${KEY}`, undefined)).toBe(`a ${KEY}`);
  });
});
