import { GetMyMachineUserDocument } from '../generated/lookups.js';
import { operation } from '../operations.js';
import type { Result } from '../result.js';
import { send } from '../send.js';
import { answerWithout, type Call, failed } from './pipeline.js';

/** The machine user the API key belongs to: a bot compares it with a message's author to skip its own messages. */
export interface MachineUser {
  id: string;
  fullName: string;
  publicName: string;
}
/** The machine user, or `null` when the key is not a machine user's. */
export type GetMyMachineUserResult = Result<MachineUser | null>;

const MY_MACHINE_USER = operation<unknown, Record<string, never>>(GetMyMachineUserDocument, 'GetMyMachineUser');

const isMachineUser = (value: unknown): value is MachineUser => {
  if (typeof value !== 'object' || value === null) return false;
  const { id, fullName, publicName } = value as Record<string, unknown>;
  return typeof id === 'string' && typeof fullName === 'string' && typeof publicName === 'string';
};

/** Which machine user this API key acts as. */
export async function getMyMachineUser(call: Call): Promise<GetMyMachineUserResult> {
  const out = await send(call.sender, MY_MACHINE_USER, {}, call.policy);
  if (!out.ok) return out;
  const { requestId, rateLimit, attempts } = out;
  const user = (out.data as { myMachineUser?: unknown }).myMachineUser;
  if (user === null || isMachineUser(user)) return { ok: true, data: user, requestId, rateLimit };
  return failed(answerWithout('machine user', { attempts, requestId, mayHaveRun: false }), { requestId, rateLimit });
}
