import * as z from 'zod/mini';
import { CreateNoteDocument } from '../generated/note.js';
import { operation } from '../operations.js';
import type { Result } from '../result.js';
import { anObject, nonBlank } from './fields.js';
import { type Call, runMutation } from './pipeline.js';

/** Plain's `CreateNoteInput`: an internal note on the customer, on one of their threads when `threadId` is given. */
export type CreateNoteInput = {
  customerId: string;
  threadId?: string | null;
  text: string;
  markdown?: string | null;
  attachmentIds?: string[] | null;
};
/** The note Plain created. */
export interface Note {
  id: string;
  text: string;
  markdown: string | null;
}
export type CreateNoteResult = Result<Note>;

// Not idempotent: a note sent twice is two notes, so it is retried only when it certainly did not reach Plain.
const CREATE_NOTE = operation<unknown, { input: CreateNoteInput }>(CreateNoteDocument, 'CreateNote', {
  mutationField: 'createNote',
});

const NoteInput = z.object(
  {
    customerId: nonBlank(),
    threadId: z.nullish(nonBlank()),
    text: nonBlank(),
    markdown: z.nullish(z.string('must be a string')),
    attachmentIds: z.nullish(z.array(nonBlank(), 'must be a list of ids')),
  },
  anObject,
) as z.ZodMiniType<CreateNoteInput>;

const isNote = (value: unknown): value is Note => {
  if (typeof value !== 'object' || value === null) return false;
  const { id, text, markdown } = value as Record<string, unknown>;
  return typeof id === 'string' && typeof text === 'string' && (markdown === null || typeof markdown === 'string');
};

/** Creates an internal note. Like a reply, it is retried only when it certainly did not run. */
export const createNote = (call: Call, input: unknown): Promise<CreateNoteResult> =>
  runMutation(call, {
    op: CREATE_NOTE,
    schema: NoteInput,
    input,
    pick: ({ note }) => (isNote(note) ? note : undefined),
  });
