// A support bot: Plain tells it a customer wrote (a signed webhook), it answers on the thread.
//
// Offline (default): plain-client's fake of Plain plays the customer and delivers real HTTP webhooks to this bot.
//   npm run example -- support-bot
// Against your workspace: PLAIN_API_KEY=... PLAIN_WEBHOOK_SECRET=... PORT=3000 npm run example -- support-bot
//   then expose the port (e.g. `cloudflared tunnel --url http://localhost:3000` or `ngrok http 3000`) and add the
//   public URL + /plain/webhooks as a webhook target in Plain (Settings → Webhooks), subscribed to the *_received
//   events. The secret is under Settings → Request signing.
import { createServer } from 'node:http';
import {
  isFromCustomer,
  messageOf,
  type PlainWebhookEvent,
  toNodeHandler,
  webhookHandler,
} from 'plain-client/webhooks';
import { connect } from './_connect.js';

const { plain, fake } = connect();
const secret = process.env.PLAIN_WEBHOOK_SECRET ?? (fake ? 'whsec_example_only_0123456789abcdef' : undefined);
if (!secret) {
  console.error('Set PLAIN_WEBHOOK_SECRET (Settings → Request signing in Plain) to verify webhooks.');
  process.exit(2);
}

/** The bot's whole brain: a canned answer. */
const answerTo = (text: string) =>
  /password|log ?in/i.test(text)
    ? 'I have sent you a password reset link. Does that help?'
    : 'Thanks for writing! A teammate will follow up shortly.';

async function onEvent(event: PlainWebhookEvent): Promise<void> {
  const message = messageOf(event);
  if (!message || !isFromCustomer(event)) {
    // Our own replies come back as *_sent events (authored by our machine user): never answer them.
    console.log(`  webhook ${String(event.type)}: not from a customer, skipped`);
    return;
  }
  console.log(`  webhook ${String(event.type)}: the customer wrote "${message.text}"`);
  const result = await plain.replyToThread({ threadId: message.threadId, textContent: answerTo(message.text) });
  // Throwing makes the handler answer 500, so Plain delivers the event again later.
  if (!result.ok) throw new Error(`reply failed: ${result.error.kind}`);
}

const handler = webhookHandler({ secret, onEvent });
const server = createServer((req, res) => {
  if (req.url === '/plain/webhooks') void toNodeHandler(handler)(req, res);
  else res.writeHead(404).end();
});
const port = fake ? 0 : Number(process.env.PORT ?? 3000);
await new Promise<void>((resolve) => server.listen(port, fake ? '127.0.0.1' : undefined, resolve));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/plain/webhooks`;

if (!fake) {
  console.log(`Listening on ${url}: point a Plain webhook target at its public address. Ctrl-C to stop.`);
} else {
  fake.webhooks.subscribe(url, { secret });
  console.log(`Bot listening on ${url}; the fake's webhook target points at it.\n`);

  const { thread, eventId } = await fake.customerWrites({
    text: 'I cannot log in to my account',
    title: 'Login trouble',
  });
  await fake.webhooks.settled();
  await fake.customerWrites({ threadId: thread.id, text: 'Also, can I change my plan?' });
  await fake.webhooks.settled();
  const repliesBefore = fake.messages(thread.id).length;
  console.log(`  Plain redelivers ${eventId} (delivery is at least once)...`);
  const [redelivery] = await fake.webhooks.redeliver(eventId);
  await fake.webhooks.settled();
  const repliesAfter = fake.messages(thread.id).length;
  console.log(
    `  redelivery answered ${redelivery?.status}; the bot replied ${repliesAfter - repliesBefore} more times.\n`,
  );

  console.log(`The conversation on ${thread.id}:`);
  for (const m of fake.conversation(thread.id))
    console.log(`  ${m.author.kind === 'customer' ? 'customer' : 'bot     '}: ${m.text}`);
  const statuses = fake.webhooks.deliveries().map((d) => d.status);
  console.log(`\n${statuses.length} webhooks delivered, answered ${[...new Set(statuses)].join(', ')}.`);
  server.close();
}
