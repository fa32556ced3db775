import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplyToThreadResult } from '../src/index.js';
import { runConfirmedSoak } from './exactly-once-soak-run.js';

// Exactly-once soak: 2,000 confirmed replies, 64 at a time, through one client, against the fake with faults on the
// reply before and after Plain recorded it. What a caller relies on: no reply lands twice, and none is lost: a call
// ends `ok` with its reply recorded exactly once, or with a failure after which the fake certainly holds no copy.
// The fake's timeline is consistent at once, so this checks the confirmation's logic, not Plain's consistency (see
// README, "Exactly-once replies", for the risk that remains with a timeline that lags).

/** A bound, not a measure: the soak is CPU-bound on the fake, and CI runs other test files beside it. */
const SOAK_TIMEOUT_MS = 120_000;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** How each call ended: ok by Plain's answer or by the timeline, or the error's kind and confirmation. */
function outcomeOf(result: ReplyToThreadResult): string {
  if (result.ok) return result.data.confirmedBy === 'timeline' ? 'ok (confirmed by timeline)' : 'ok';
  const { kind, confirmation, mayHaveBeenSent } = result.error;
  const found = confirmation ? `, timeline ${confirmation.status}` : '';
  return `${kind}${mayHaveBeenSent ? ', may have been sent' : ''}${found}`;
}

async function soak(replies: number, lookupFaults: boolean) {
  const run = await runConfirmedSoak({ replies, concurrency: 64, seed: 15_04, lookupFaults });
  const { fake, texts, results } = run;
  await new Promise((resolve) => setImmediate(resolve));
  const copies = new Map<string, number>();
  for (const m of fake.allMessages()) copies.set(m.text, (copies.get(m.text) ?? 0) + 1);
  const outcomes: Record<string, number> = {};
  for (const result of results) outcomes[outcomeOf(result)] = (outcomes[outcomeOf(result)] ?? 0) + 1;
  const figures = {
    replies: results.length,
    outcomes,
    faultsInjected: run.injected,
    requestsByOperation: run.sent,
    confirmationExtraRequests: {
      resends: run.resends,
      lookups: Object.entries(run.sent)
        .filter(([name]) => name !== 'ReplyToThread')
        .reduce((sum, [, n]) => sum + n, 0),
    },
    duplicates: [...copies.values()].filter((n) => n > 1).length,
  };
  const dir = fileURLToPath(new URL('../.tmp/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    `${dir}exactly-once-soak-${lookupFaults ? 'lookup-faults' : 'reply-faults'}.json`,
    JSON.stringify(figures, null, 2),
  );
  console.log(JSON.stringify(figures));
  return { ...run, copies, outcomes, textOf: (n: number) => texts[n]! };
}

describe('exactly-once soak', () => {
  it(
    '2,000 confirmed replies at concurrency 64, faults on the reply before and after recording: 0 duplicates, 0 lost',
    async () => {
      const { results, copies, outcomes, textOf, injected } = await soak(2_000, false);
      expect(results.filter(Boolean)).toHaveLength(2_000);
      expect([...copies].filter(([, n]) => n > 1)).toEqual([]);
      results.forEach((result, n) => {
        const text = textOf(n);
        const landed = copies.get(text) ?? 0;
        if (result.ok) {
          expect(landed, text).toBe(1);
          return;
        }
        // A failure: the fake holds no copy, and the caller is told so (nothing says it may have been sent).
        expect(landed, text).toBe(0);
        expect(result.error.mayHaveBeenSent, text).toBeUndefined();
        expect(result.error.message, text).not.toContain(text);
      });
      // The run met every fault, and the confirmation both found replies and sent missing ones again.
      expect(Object.keys(injected)).toHaveLength(8);
      expect(outcomes['ok (confirmed by timeline)']).toBeGreaterThan(0);
      expect((outcomes.ok ?? 0) + (outcomes['ok (confirmed by timeline)'] ?? 0)).toBeGreaterThan(1_800);
      expect(unhandled).toEqual([]);
    },
    SOAK_TIMEOUT_MS,
  );

  it(
    '600 confirmed replies with the lookups failing too, a reply the timeline could not confirm keeps mayHaveBeenSent; still 0 duplicates',
    async () => {
      const { results, copies, outcomes, textOf } = await soak(600, true);
      expect(results.filter(Boolean)).toHaveLength(600);
      expect([...copies].filter(([, n]) => n > 1)).toEqual([]);
      results.forEach((result, n) => {
        const text = textOf(n);
        const landed = copies.get(text) ?? 0;
        if (result.ok) {
          expect(landed, text).toBe(1);
          return;
        }
        if (landed === 1) {
          // Landed although it failed: only when the timeline could not tell, and then the caller is told it may have.
          expect(result.error, text).toMatchObject({
            mayHaveBeenSent: true,
            retryable: false,
            confirmation: { status: 'could_not_tell' },
          });
        }
        if (result.error.confirmation?.status === 'not_found') expect(landed, text).toBe(0);
      });
      expect(Object.keys(outcomes).some((o) => o.includes('could_not_tell'))).toBe(true);
      expect(unhandled).toEqual([]);
    },
    SOAK_TIMEOUT_MS,
  );
});
