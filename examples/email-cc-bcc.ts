// Reply on an email thread with Cc and Bcc. Against Plain: PLAIN_API_KEY and PLAIN_THREAD_ID (an EMAIL or API thread).
import { connect, setting } from './_connect.js';

const { plain, fake } = connect();
const threadId = setting('PLAIN_THREAD_ID', fake && (() => fake.addThread({ channel: 'EMAIL' }).id));

const result = await plain.replyToThread({
  threadId,
  textContent: 'Looping in your account manager, and our billing team in Bcc.',
  channelSpecificOptions: {
    email: {
      additionalRecipients: [{ email: 'account.manager@example.com', name: 'Grace (account manager)' }],
      hiddenRecipients: [{ email: 'billing@example.com' }],
    },
  },
});
console.log(
  result.ok ? `Sent with Cc and Bcc on thread ${threadId}.` : `Refused (${result.error.kind}): ${result.error.message}`,
);
if (!result.ok) process.exitCode = 1;

// A mistake is caught before anything is sent, and the message names the field.
const mistake = await plain.replyToThread({
  threadId,
  textContent: 'Hello',
  channelSpecificOptions: {
    email: { additionalRecipients: [{ email: 'grace@example.com' }], hiddenRecipients: [{ email: 'grace@example' }] },
  },
});
if (!mistake.ok && mistake.error.kind === 'invalid_input') {
  for (const issue of mistake.error.issues) console.log(`Caught locally: ${issue.path} ${issue.message}.`);
}

if (fake) {
  const [message] = fake.messages(threadId);
  console.log(
    `Cc: ${message?.cc.map((r) => r.email).join(', ')}; Bcc: ${message?.bcc.map((r) => r.email).join(', ')}.`,
  );
}
