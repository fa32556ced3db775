// Reply to a support thread. Against Plain: PLAIN_API_KEY=... PLAIN_THREAD_ID=th_... npm run example -- reply-to-thread
import { connect, setting } from './_connect.js';

const { plain, fake } = connect();
const threadId = setting(
  'PLAIN_THREAD_ID',
  fake && (() => fake.addThread({ channel: 'EMAIL', title: 'Cannot log in' }).id),
);

const result = await plain.replyToThread({
  threadId,
  textContent: 'Thanks for waiting! We reset your password; you can log in again.',
  markdownContent: 'Thanks for waiting! We **reset your password**; you can log in again.',
});

if (result.ok) {
  console.log(
    `Replied on ${result.data.channel} thread ${result.data.threadId} (request id ${result.requestId ?? 'none'}).`,
  );
} else {
  console.log(`Could not reply (${result.error.kind}): ${result.error.message}`);
  process.exitCode = 1;
}
if (fake) {
  const [message] = fake.messages(threadId);
  console.log(
    `The customer now sees: "${message?.text}" from ${message?.author.kind === 'customer' ? 'themselves' : 'your support team'}.`,
  );
}
