import * as z from 'zod/mini';
import type { DoneStatusDetail, TodoStatusDetail } from '../generated/thread-state.js';
import { MarkThreadAsDoneDocument, MarkThreadAsTodoDocument, SnoozeThreadDocument } from '../generated/thread-state.js';
import { isThread, operation, type Thread } from '../operations.js';
import type { Result } from '../result.js';
import { anObject, nonBlank, optionalOneOf, positiveWhole } from './fields.js';
import { type Call, runMutation } from './pipeline.js';

/** Plain's `MarkThreadAsDoneInput`. */
export type MarkThreadAsDoneInput = { threadId: string; statusDetail?: DoneStatusDetail | null };
/** Plain's `MarkThreadAsTodoInput`. */
export type MarkThreadAsTodoInput = { threadId: string; statusDetail?: TodoStatusDetail | null };
/**
 * Plain's `SnoozeThreadInput`: for a number of seconds, or until the customer replies
 * (`statusDetail: 'WAITING_FOR_CUSTOMER'`, with or without a duration).
 */
export type SnoozeThreadInput =
  | { threadId: string; durationSeconds: number; statusDetail?: 'WAITING_FOR_DURATION' | 'WAITING_FOR_CUSTOMER' | null }
  | { threadId: string; statusDetail: 'WAITING_FOR_CUSTOMER'; durationSeconds?: number | null };

/** What a state change resolves to: the thread as it is afterwards. */
export type ThreadResult = Result<Thread>;

const MARK_DONE = operation<unknown, { input: MarkThreadAsDoneInput }>(MarkThreadAsDoneDocument, 'MarkThreadAsDone', {
  mutationField: 'markThreadAsDone',
  idempotent: true,
});
const MARK_TODO = operation<unknown, { input: MarkThreadAsTodoInput }>(MarkThreadAsTodoDocument, 'MarkThreadAsTodo', {
  mutationField: 'markThreadAsTodo',
  idempotent: true,
});
const SNOOZE = operation<unknown, { input: SnoozeThreadInput }>(SnoozeThreadDocument, 'SnoozeThread', {
  mutationField: 'snoozeThread',
  idempotent: true,
});

const DoneInput = z.object(
  {
    threadId: nonBlank(),
    statusDetail: optionalOneOf(['IGNORED', 'DONE_MANUALLY_SET', 'DONE_AUTOMATICALLY_SET', 'TIMER_EXPIRED']),
  },
  anObject,
) as z.ZodMiniType<MarkThreadAsDoneInput>;

const TodoInput = z.object(
  {
    threadId: nonBlank(),
    statusDetail: optionalOneOf([
      'CREATED',
      'IN_PROGRESS',
      'NEW_REPLY',
      'THREAD_LINK_UPDATED',
      'THREAD_DISCUSSION_RESOLVED',
    ]),
  },
  anObject,
) as z.ZodMiniType<MarkThreadAsTodoInput>;

const SnoozeInput = z
  .object(
    {
      threadId: nonBlank(),
      durationSeconds: z.nullish(positiveWhole('seconds')),
      statusDetail: optionalOneOf(['WAITING_FOR_CUSTOMER', 'WAITING_FOR_DURATION']),
    },
    anObject,
  )
  .check(
    z.check(({ value: input, issues }) => {
      // Plain snoozes for a duration, or until the customer replies; with neither it has no way to wake the thread.
      if (input.durationSeconds == null && input.statusDetail !== 'WAITING_FOR_CUSTOMER') {
        issues.push({
          code: 'custom',
          input: input.durationSeconds,
          path: ['durationSeconds'],
          message: "is required unless statusDetail is 'WAITING_FOR_CUSTOMER'",
        });
      }
    }),
  ) as z.ZodMiniType<SnoozeThreadInput>;

/** The thread from a state change's payload. */
export const threadIn = (payload: Record<string, unknown>): Thread | undefined =>
  isThread(payload.thread) ? payload.thread : undefined;

/** Marks a thread as done. Setting it twice is harmless, so it is retried on transient failures. */
export const markThreadAsDone = (call: Call, input: unknown): Promise<ThreadResult> =>
  runMutation(call, { op: MARK_DONE, schema: DoneInput, input, pick: threadIn });

/** Marks a thread as todo (back in the queue for humans). Retried on transient failures. */
export const markThreadAsTodo = (call: Call, input: unknown): Promise<ThreadResult> =>
  runMutation(call, { op: MARK_TODO, schema: TodoInput, input, pick: threadIn });

/** Snoozes a thread. Retried on transient failures. */
export const snoozeThread = (call: Call, input: unknown): Promise<ThreadResult> =>
  runMutation(call, { op: SNOOZE, schema: SnoozeInput, input, pick: threadIn });
