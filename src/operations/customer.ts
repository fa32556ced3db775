import * as z from 'zod/mini';
import { invalidInput } from '../errors.js';
import {
  type CustomerSummaryFragment,
  GetCustomerByEmailDocument,
  GetCustomerByExternalIdDocument,
  GetCustomerDocument,
} from '../generated/lookups.js';
import { operation } from '../operations.js';
import type { Result } from '../result.js';
import { send } from '../send.js';
import { parseInput } from '../validation.js';
import { anObject, nonBlank } from './fields.js';
import { answerWithout, type Call, failed } from './pipeline.js';

/** A customer: id, your external id for them, names and email. */
export type Customer = CustomerSummaryFragment;
/** A customer by Plain's id, by email or by your own id for them: exactly one. */
export type GetCustomerInput =
  | { customerId: string; email?: never; externalId?: never }
  | { email: string; customerId?: never; externalId?: never }
  | { externalId: string; customerId?: never; email?: never };
/** The customer, or `null` when Plain has none that matches. */
export type GetCustomerResult = Result<Customer | null>;

const BY_ID = operation<unknown, { customerId: string }>(GetCustomerDocument, 'GetCustomer');
export const BY_EMAIL = operation<unknown, { email: string }>(GetCustomerByEmailDocument, 'GetCustomerByEmail');
export const BY_EXTERNAL_ID = operation<unknown, { externalId: string }>(
  GetCustomerByExternalIdDocument,
  'GetCustomerByExternalId',
);

const CustomerKey = z
  .object(
    { customerId: z.optional(nonBlank()), email: z.optional(nonBlank()), externalId: z.optional(nonBlank()) },
    anObject,
  )
  .check(
    z.refine(
      (key) =>
        Number(key.customerId !== undefined) +
          Number(key.email !== undefined) +
          Number(key.externalId !== undefined) ===
        1,
      'give exactly one of customerId, email or externalId',
    ),
  );

const isCustomer = (value: unknown): value is Customer => {
  if (typeof value !== 'object' || value === null) return false;
  const { id, fullName, email } = value as { id?: unknown; fullName?: unknown; email?: { email?: unknown } | null };
  return typeof id === 'string' && typeof fullName === 'string' && typeof email?.email === 'string';
};

/** Looks a customer up by one of their ids. */
export async function getCustomer(call: Call, input: unknown): Promise<GetCustomerResult> {
  const parsed = await parseInput(CustomerKey, input);
  if (!parsed.ok) return failed(invalidInput(parsed.issues));
  const { customerId, email, externalId } = parsed.data;
  const out =
    customerId !== undefined
      ? await send(call.sender, BY_ID, { customerId }, call.policy)
      : email !== undefined
        ? await send(call.sender, BY_EMAIL, { email }, call.policy)
        : await send(call.sender, BY_EXTERNAL_ID, { externalId: externalId as string }, call.policy);
  if (!out.ok) return out;
  const { requestId, rateLimit, attempts } = out;
  const data = out.data as Record<string, unknown>;
  const customer = data.customer ?? data.customerByEmail ?? data.customerByExternalId ?? null;
  if (customer === null || isCustomer(customer)) return { ok: true, data: customer, requestId, rateLimit };
  return failed(answerWithout('customer', { attempts, requestId, mayHaveRun: false }), { requestId, rateLimit });
}
