import * as z from 'zod/mini';
import { isNonBlankString, typeError } from '../validation.js';

// The field rules the operations' input schemas share, with messages that say what the field must be. They are built
// from the zod/mini schemas replyToThread already uses (object, string, array, nullish, and custom checks), so that a
// bundle loads no other part of zod for them.

export { anObject } from '../validation.js';

/** An id or a text: a string with something besides whitespace. */
export const nonBlank = () =>
  z.string({ error: typeError('a string') }).check(z.refine(isNonBlankString, 'must not be empty'));

/** A list of ids with at least one. */
export const someIds = () =>
  z
    .array(nonBlank(), { error: typeError('a list of ids') })
    .check(z.refine((ids) => ids.length > 0, 'must hold at least one id'));

/** One of an enum's values. */
export const oneOf = <const T extends readonly (string | number)[]>(values: T) =>
  z.custom<T[number]>((value) => (values as readonly unknown[]).includes(value), {
    error: typeError(`one of ${values.join(', ')}`),
  });

/** One of an enum's values, or null/absent. */
export const optionalOneOf = <const T extends readonly string[]>(values: T) => z.nullish(oneOf(values));

/** GraphQL's Int is 32 bits. */
const MAX_INT = 2_147_483_647;

/** A whole number from 1 to GraphQL's largest Int. */
export const positiveWhole = (what: string) =>
  z.custom<number>((n) => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= MAX_INT, {
    error: typeError(`a positive whole number of ${what}`),
  });

/** A plain object whose fields Plain checks itself (such as a `ThreadsFilter`). */
export const anyObject = <T>(what: string) =>
  z.custom<T>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
    error: typeError(what),
  });
