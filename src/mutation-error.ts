import { type AttachmentRejectedReason, type FieldError, type PlainError, permissionNamedIn } from './errors.js';
import type { MutationErrorPartsFragment, ThreadChannel } from './generated/graphql.js';

/** A MutationError as the schema defines it: `message`, `type` and `code` are strings. */
export function isMutationError(value: unknown): value is MutationErrorPartsFragment {
  if (typeof value !== 'object' || value === null) return false;
  const { message, type, code } = value as Record<string, unknown>;
  return typeof message === 'string' && typeof type === 'string' && typeof code === 'string';
}

const isFieldError = (value: unknown): value is FieldError => {
  if (typeof value !== 'object' || value === null) return false;
  const { field, message, type } = value as Record<string, unknown>;
  return typeof field === 'string' && typeof message === 'string' && typeof type === 'string';
};

/** Plain's attachment codes, as the reasons of `attachment_rejected`. */
const ATTACHMENT_CODES = new Map<string, AttachmentRejectedReason>([
  ['attachment_file_size_too_large', 'too_large'],
  ['attachment_file_type_not_allowed', 'file_type_not_allowed'],
  ['attachment_not_uploaded', 'not_uploaded'],
]);

/**
 * Turns Plain's MutationError into the error kinds callers switch on, the same for every mutation. `refused` names
 * what Plain refused in the message (`the reply`, `markThreadAsDone`).
 */
export function errorFromMutationError(
  e: MutationErrorPartsFragment,
  context: { refused: string; threadId?: string; channel?: ThreadChannel; attempts: number; requestId?: string },
): PlainError {
  // Entries that are not field errors are dropped, so that callers can read `field`, `message` and `type` safely.
  const fields = Array.isArray(e.fields) ? e.fields.slice(0, 50).filter(isFieldError) : [];
  const base = {
    attempts: context.attempts,
    retryable: false,
    ...(context.requestId ? { requestId: context.requestId } : {}),
    message: `Plain refused ${context.refused}: ${e.message.slice(0, 500)} (${e.code.slice(0, 100)})`,
  };
  if (e.code === 'cannot_reply_to_thread') {
    return {
      ...base,
      kind: 'cannot_reply_to_thread',
      ...(context.channel ? { channel: context.channel } : {}),
      reason: 'server',
      source: 'server',
    };
  }
  if (e.type === 'FORBIDDEN' || e.code === 'forbidden')
    return { ...base, kind: 'forbidden', ...permissionNamedIn(e.message) };
  if (fields.some((f) => f.field === 'threadId' && f.type === 'NOT_FOUND')) {
    return {
      ...base,
      kind: 'thread_not_found',
      ...(context.threadId !== undefined ? { threadId: context.threadId } : {}),
    };
  }
  const reason = ATTACHMENT_CODES.get(e.code);
  if (reason) return { ...base, kind: 'attachment_rejected', reason, source: 'plain', code: e.code };
  if (e.type === 'VALIDATION') return { ...base, kind: 'validation', code: e.code, fields };
  return { ...base, kind: 'mutation_error', code: e.code, type: e.type, fields };
}
