// Find a thread by the reference your team sees in Plain (T-123), then reply to it.
// Against Plain: PLAIN_API_KEY and PLAIN_THREAD_REF.
import { connect, setting } from './_connect.js';

const { plain, fake } = connect();
const ref = setting(
  'PLAIN_THREAD_REF',
  fake && (() => fake.addThread({ channel: 'SLACK', ref: 'T-123', title: 'Export to CSV fails' }).ref),
);

const found = await plain.getThreadByRef(ref);
if (!found.ok) {
  console.log(`No thread ${ref}: ${found.error.kind}: ${found.error.message}`);
  process.exit(1);
}
const thread = found.data;
console.log(`${ref} is "${thread.title}", a ${thread.status} thread on ${thread.channel}.`);

// The lookup taught the client this thread's channel, so the reply is a single request.
const result = await plain.replyToThread({
  threadId: thread.id,
  textContent: 'The CSV export is fixed; please try again.',
});
console.log(
  result.ok ? `Replied on ${ref} (${result.data.channel}).` : `Refused (${result.error.kind}): ${result.error.message}`,
);
if (!result.ok) process.exitCode = 1;
