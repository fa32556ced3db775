import * as z from 'zod/mini';
import { AssignThreadDocument, UnassignThreadDocument } from '../generated/thread-state.js';
import { operation } from '../operations.js';
import { anObject, nonBlank } from './fields.js';
import { type Call, runMutation } from './pipeline.js';
import { type ThreadResult, threadIn } from './thread-status.js';

/** Plain's `AssignThreadInput`: to a user (`u_…`) or to a machine user (`mu_…`), exactly one of the two. */
export type AssignThreadInput =
  | { threadId: string; userId: string; machineUserId?: never }
  | { threadId: string; machineUserId: string; userId?: never };
/** Plain's `UnassignThreadInput`. */
export type UnassignThreadInput = { threadId: string };

const ASSIGN = operation<unknown, { input: AssignThreadInput }>(AssignThreadDocument, 'AssignThread', {
  mutationField: 'assignThread',
  idempotent: true,
});
const UNASSIGN = operation<unknown, { input: UnassignThreadInput }>(UnassignThreadDocument, 'UnassignThread', {
  mutationField: 'unassignThread',
  idempotent: true,
});

const AssignInput = z
  .object({ threadId: nonBlank(), userId: z.nullish(nonBlank()), machineUserId: z.nullish(nonBlank()) }, anObject)
  .check(
    z.check(({ value: input, issues }) => {
      if ((input.userId == null) === (input.machineUserId == null)) {
        issues.push({
          code: 'custom',
          input: input.userId,
          path: ['userId'],
          message: 'give exactly one of userId or machineUserId',
        });
      }
    }),
  ) as z.ZodMiniType<AssignThreadInput>;

const UnassignInput = z.object({ threadId: nonBlank() }, anObject) as z.ZodMiniType<UnassignThreadInput>;

/** Assigns a thread to a user or a machine user. Retried on transient failures. */
export const assignThread = (call: Call, input: unknown): Promise<ThreadResult> =>
  runMutation(call, { op: ASSIGN, schema: AssignInput, input, pick: threadIn });

/** Takes a thread's assignee away. Retried on transient failures. */
export const unassignThread = (call: Call, input: unknown): Promise<ThreadResult> =>
  runMutation(call, { op: UNASSIGN, schema: UnassignInput, input, pick: threadIn });
