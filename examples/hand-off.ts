// Hand a thread from your bot to humans, in Plain's documented order: note -> HANDED_OFF -> unassign -> todo.
// Against Plain: PLAIN_API_KEY=... PLAIN_THREAD_ID=th_... npm run example -- hand-off
import { connect, setting } from './_connect.js';

const { plain, fake } = connect();
const threadId = setting(
  'PLAIN_THREAD_ID',
  fake && (() => fake.addThread({ channel: 'EMAIL', title: 'Refund for a double charge' }).id),
);

const result = await plain.handOff({
  threadId,
  note: 'The customer was charged twice on 3 May. A refund needs a human: the bot cannot issue one.',
});

if (result.ok) {
  console.log(
    `Handed off thread ${result.data.thread.ref}: ${result.data.completedSteps.join(' -> ')}. It is ${result.data.thread.status} again.`,
  );
} else {
  // Each step that ran stays done; run the rest by hand or call handOff again (a second note would be a duplicate).
  const ran = result.completedSteps.length > 0 ? result.completedSteps.join(', ') : 'nothing';
  console.log(
    `The hand-off stopped at ${result.failedStep ?? 'its input'} (${result.error.kind}); done before that: ${ran}.`,
  );
  console.log(result.error.message);
  process.exitCode = 1;
}
