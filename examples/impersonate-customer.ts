// Reply as the customer (impersonation) by email, by customerId and by externalId.
// Against Plain: PLAIN_API_KEY, PLAIN_THREAD_ID, PLAIN_CUSTOMER_EMAIL, PLAIN_CUSTOMER_ID, PLAIN_CUSTOMER_EXTERNAL_ID.
// The key needs customer:impersonate, and the thread must be on API, CHAT, EMAIL or SLACK.
import type { CustomerIdentifier } from 'plain-client';
import { connect, setting } from './_connect.js';

const { plain, fake } = connect();
const customer = fake?.addCustomer({ email: 'ada@example.com', externalId: 'user-42', fullName: 'Ada Lovelace' });
const threadId = setting('PLAIN_THREAD_ID', fake && (() => fake.addThread({ channel: 'CHAT', customer }).id));

const identifiers: [string, CustomerIdentifier][] = [
  ['email', { emailAddress: setting('PLAIN_CUSTOMER_EMAIL', customer && (() => customer.email)) }],
  ['customerId', { customerId: setting('PLAIN_CUSTOMER_ID', customer && (() => customer.id)) }],
  [
    'externalId',
    { externalId: setting('PLAIN_CUSTOMER_EXTERNAL_ID', customer && (() => customer.externalId ?? 'user-42')) },
  ],
];

for (const [by, customerIdentifier] of identifiers) {
  const result = await plain.replyToThread({
    threadId,
    textContent: `Adding a screenshot of the error (sent as the customer, found by ${by}).`,
    impersonation: { asCustomer: { customerIdentifier } },
  });
  console.log(
    result.ok ? `By ${by}: sent as the customer.` : `By ${by}: refused (${result.error.kind}): ${result.error.message}`,
  );
  if (!result.ok) process.exitCode = 1;
}

// The same on an MS Teams thread is refused before anything is sent: Plain cannot impersonate there.
const teams = await plain.replyToThread(
  { threadId, textContent: 'Hi', impersonation: { asCustomer: { customerIdentifier: { customerId: 'c_1' } } } },
  { thread: { id: threadId, channel: 'MS_TEAMS' } },
);
if (!teams.ok) console.log(`On MS_TEAMS: ${teams.error.kind}: ${teams.error.message}`);

if (fake) {
  for (const m of fake.messages(threadId))
    console.log(`The thread shows "${m.text}" from ${m.author.kind === 'customer' ? m.author.email : 'support'}.`);
}
