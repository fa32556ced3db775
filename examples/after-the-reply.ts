// What an automated agent does around a reply, in Plain's recommended order: IN_PROGRESS -> reply -> HANDLED -> done.
// Against Plain: PLAIN_API_KEY=... PLAIN_THREAD_ID=th_... npm run example -- after-the-reply
import { connect, setting } from './_connect.js';

const { plain, fake } = connect();
const threadId = setting(
  'PLAIN_THREAD_ID',
  fake && (() => fake.addThread({ channel: 'CHAT', title: 'Where is my order?' }).id),
);

const working = await plain.updateThreadAgentStatus({ threadId, agentStatus: 'IN_PROGRESS' });
if (!working.ok) fail('mark the thread IN_PROGRESS', working.error);

const reply = await plain.replyToThread({
  threadId,
  textContent: 'Your order left the warehouse this morning: it arrives tomorrow.',
});
if (!reply.ok) fail('reply', reply.error);
console.log(`Replied on ${reply.data.channel} thread ${threadId}.`);

const handled = await plain.updateThreadAgentStatus({ threadId, agentStatus: 'HANDLED' });
if (!handled.ok) fail('mark the thread HANDLED', handled.error);

// A state change is harmless to repeat, so plain-client retries it on a 5xx, a timeout or a dropped connection.
const done = await plain.markThreadAsDone({ threadId, statusDetail: 'DONE_AUTOMATICALLY_SET' });
if (!done.ok) fail('mark the thread as done', done.error);
console.log(`Thread ${done.data.ref} is now ${done.data.status}.`);

function fail(step: string, error: { kind: string; message: string }): never {
  console.log(`Could not ${step} (${error.kind}): ${error.message}`);
  process.exit(1);
}
