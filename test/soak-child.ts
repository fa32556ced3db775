// Run by test/soak.test.ts in a child process (node --import tsx). It does not call process.exit: the parent checks
// that the process ends by itself, i.e. that the client leaves no timer or handle keeping the event loop alive.
// The client keeps its default 30 s timeout, so a per-attempt timer left behind would hold the process for 30 s.
import { runSoak } from './soak-run.js';

const { results, fake } = await runSoak({ replies: 300, concurrency: 32, seed: 7 });
await new Promise((resolve) => setImmediate(resolve));
// Outside vitest nothing else sets timers, so after the calls there must be none at all.
const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
process.stdout.write(
  JSON.stringify({ resolved: results.filter(Boolean).length, landed: fake.allMessages().length, timers }),
);
