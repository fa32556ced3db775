import * as z from 'zod/mini';
import { AddLabelsDocument, RemoveLabelsDocument } from '../generated/thread-state.js';
import { isThread, operation, type Thread } from '../operations.js';
import type { Result } from '../result.js';
import { anObject, nonBlank, someIds } from './fields.js';
import { type Call, runMutation } from './pipeline.js';
import { type ThreadResult, threadIn } from './thread-status.js';

/** Plain's `AddLabelsInput`: label **type** ids (`lt_…`), the kinds of label defined in the workspace. */
export type AddLabelsInput = { threadId: string; labelTypeIds: string[] };
/**
 * Plain's `RemoveLabelsInput`: **label** ids (`l_…`), the labels on a thread as `addLabels` returns them, not the
 * label type ids (`lt_…`) that `addLabels` takes.
 */
export type RemoveLabelsInput = { labelIds: string[] };

/** A label on a thread: its own id (for `removeLabels`) and its type's id. */
export interface Label {
  id: string;
  labelType: { id: string };
}
export type AddLabelsResult = Result<{ labels: Label[]; thread: Thread | null }>;

const ADD = operation<unknown, { input: AddLabelsInput }>(AddLabelsDocument, 'AddLabels', {
  mutationField: 'addLabels',
  idempotent: true,
});
const REMOVE = operation<unknown, { input: RemoveLabelsInput }>(RemoveLabelsDocument, 'RemoveLabels', {
  mutationField: 'removeLabels',
  idempotent: true,
});

const AddInput = z.object({ threadId: nonBlank(), labelTypeIds: someIds() }, anObject) as z.ZodMiniType<AddLabelsInput>;
const RemoveInput = z.object({ labelIds: someIds() }, anObject) as z.ZodMiniType<RemoveLabelsInput>;

const isLabel = (value: unknown): value is Label => {
  if (typeof value !== 'object' || value === null) return false;
  const { id, labelType } = value as { id?: unknown; labelType?: { id?: unknown } | null };
  return typeof id === 'string' && typeof labelType?.id === 'string';
};

/** Adds labels (by label type id) to a thread. Adding a label the thread has is harmless: retried on transient failures. */
export const addLabels = (call: Call, input: unknown): Promise<AddLabelsResult> =>
  runMutation(call, {
    op: ADD,
    schema: AddInput,
    input,
    pick: ({ labels, thread }) =>
      Array.isArray(labels) && labels.every(isLabel) ? { labels, thread: isThread(thread) ? thread : null } : undefined,
  });

/** Removes labels by **label** id (`l_…`, from `addLabels` or the thread), not label type id. Retried on transient failures. */
export const removeLabels = (call: Call, input: unknown): Promise<ThreadResult> =>
  runMutation(call, { op: REMOVE, schema: RemoveInput, input, pick: threadIn });
