import * as z from 'zod/mini';
import { type AgentStatus, UpdateThreadAgentStatusDocument } from '../generated/thread-state.js';
import { operation } from '../operations.js';
import { anObject, nonBlank, oneOf } from './fields.js';
import { type Call, runMutation } from './pipeline.js';
import { type ThreadResult, threadIn } from './thread-status.js';

/** Plain's `UpdateThreadAgentStatusInput`: what an automated agent is doing with the thread. */
export type UpdateThreadAgentStatusInput = { threadId: string; agentStatus: AgentStatus };

const UPDATE = operation<unknown, { input: UpdateThreadAgentStatusInput }>(
  UpdateThreadAgentStatusDocument,
  'UpdateThreadAgentStatus',
  { mutationField: 'updateThreadAgentStatus', idempotent: true },
);

const UpdateInput = z.object(
  { threadId: nonBlank(), agentStatus: oneOf(['IN_PROGRESS', 'HANDED_OFF', 'HANDLED']) },
  anObject,
) as z.ZodMiniType<UpdateThreadAgentStatusInput>;

/** Sets the thread's agent status (`IN_PROGRESS`, `HANDED_OFF`, `HANDLED`). Retried on transient failures. */
export const updateThreadAgentStatus = (call: Call, input: unknown): Promise<ThreadResult> =>
  runMutation(call, { op: UPDATE, schema: UpdateInput, input, pick: threadIn });
