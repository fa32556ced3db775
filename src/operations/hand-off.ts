import * as z from 'zod/mini';
import { invalidInput, type PlainError } from '../errors.js';
import { getThread, type Thread } from '../operations.js';
import type { Result } from '../result.js';
import { isNonBlankString, parseInput } from '../validation.js';
import { updateThreadAgentStatus } from './agent-status.js';
import { unassignThread } from './assignment.js';
import { anObject, nonBlank } from './fields.js';
import { createNote } from './note.js';
import type { Call, Meta } from './pipeline.js';
import { markThreadAsTodo } from './thread-status.js';

/**
 * Hands a thread from an automated agent to humans. `note` is left for them on the thread first; Plain files
 * a note under the thread's customer, so it needs the customer's id: give `customerId` to save a thread lookup.
 */
export type HandOffInput = {
  threadId: string;
  note?: string | { text: string; markdown?: string | null } | null;
  customerId?: string | null;
};
/** The hand-off's steps, in Plain's documented order. `createNote` only when there is a note. */
export type HandOffStep = 'createNote' | 'updateThreadAgentStatus' | 'unassignThread' | 'markThreadAsTodo';
/**
 * The thread after the hand-off and the steps that ran; or the error of the step that failed (`failedStep`, absent
 * when the input was refused and nothing was sent) and the steps that ran before it (`completedSteps`).
 */
export type HandOffResult =
  | ({ ok: true; data: { thread: Thread; completedSteps: HandOffStep[] }; error?: never } & Meta)
  | ({ ok: false; error: PlainError; data?: never; failedStep?: HandOffStep; completedSteps: HandOffStep[] } & Meta);

const HandOff = z.object(
  {
    threadId: nonBlank(),
    note: z.nullish(
      z.custom<NonNullable<HandOffInput['note']>>(isNote, 'must be a non-empty text or { text, markdown }'),
    ),
    customerId: z.nullish(nonBlank()),
  },
  anObject,
);

/** A note: a non-empty text, or `{ text, markdown? }` with a non-empty text and a string or null markdown. */
function isNote(value: unknown): boolean {
  if (isNonBlankString(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { text, markdown } = value as { text?: unknown; markdown?: unknown };
  return isNonBlankString(text) && (markdown === undefined || markdown === null || typeof markdown === 'string');
}

/** note → HANDED_OFF → unassign → todo, stopping at the first step that fails. */
export async function handOff(call: Call, input: unknown): Promise<HandOffResult> {
  const parsed = await parseInput(HandOff, input);
  if (!parsed.ok) return { ok: false, error: invalidInput(parsed.issues), completedSteps: [] };
  const { threadId, note, customerId } = parsed.data;
  const completedSteps: HandOffStep[] = [];
  const stop = (failedStep: HandOffStep, result: Extract<Result<unknown>, { ok: false }>): HandOffResult => {
    const ran = completedSteps.length > 0 ? `after ${completedSteps.join(', ')}` : 'before any step ran';
    const error = { ...result.error, message: `handOff stopped at ${failedStep} (${ran}): ${result.error.message}` };
    return { ok: false, error, failedStep, completedSteps, requestId: result.requestId, rateLimit: result.rateLimit };
  };

  if (note) {
    let customer = customerId;
    if (!customer) {
      const thread = await getThread(call.sender, { threadId }, call.policy);
      if (!thread.ok) return stop('createNote', thread);
      call.threads.set(thread.data.id, thread.data.channel);
      customer = thread.data.customer.id;
    }
    const { text, markdown } = typeof note === 'string' ? { text: note, markdown: undefined } : note;
    const created = await createNote(call, { customerId: customer, threadId, text, markdown });
    if (!created.ok) return stop('createNote', created);
    completedSteps.push('createNote');
  }
  const status = await updateThreadAgentStatus(call, { threadId, agentStatus: 'HANDED_OFF' });
  if (!status.ok) return stop('updateThreadAgentStatus', status);
  completedSteps.push('updateThreadAgentStatus');
  const unassigned = await unassignThread(call, { threadId });
  if (!unassigned.ok) return stop('unassignThread', unassigned);
  completedSteps.push('unassignThread');
  const todo = await markThreadAsTodo(call, { threadId });
  if (!todo.ok) return stop('markThreadAsTodo', todo);
  completedSteps.push('markThreadAsTodo');
  return {
    ok: true,
    data: { thread: todo.data, completedSteps },
    requestId: todo.requestId,
    rateLimit: todo.rateLimit,
  };
}
