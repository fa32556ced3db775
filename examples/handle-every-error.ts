// Every way a reply can fail, and the line a support engineer would log for each. The switch is exhaustive:
// if plain-client ever adds an error kind, this file stops compiling.
import type { PlainError } from 'plain-client';
import { connect } from './_connect.js';

function describe(error: PlainError): string {
  const ref = error.requestId ? ` [Plain request ${error.requestId}]` : '';
  switch (error.kind) {
    case 'invalid_input':
      return `Fix the input: ${error.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`;
    case 'cannot_reply_to_thread':
      return `Cannot reply on ${error.channel ?? 'this'} thread (${error.reason}, ${error.source})`;
    case 'thread_not_found':
      return `No such thread${ref}`;
    case 'unauthenticated':
      return `The API key is not valid${ref}`;
    case 'forbidden':
      return `The API key lacks ${error.permission ?? 'a permission'}${ref}`;
    case 'rate_limited':
      return `Rate limited; retry in ${error.retryAfterMs === undefined ? '?' : Math.ceil(error.retryAfterMs / 1000)} s${ref}`;
    case 'validation':
      return `Plain rejected ${error.fields.map((f) => f.field).join(', ') || 'the input'}${ref}`;
    case 'mutation_error':
      return `Plain refused (${error.code})${ref}`;
    case 'network':
      return `Network failure${error.mayHaveBeenSent ? ', check the thread before retrying' : ', nothing was delivered'}`;
    case 'timeout':
      return `No answer in ${error.timeoutMs} ms; check the thread before retrying`;
    case 'server_error':
      return `Plain had a server error (HTTP ${error.status})${ref}`;
    case 'graphql_error':
      return `GraphQL error: ${error.errors.map((e) => e.code ?? e.message).join(', ')}${ref}`;
    case 'aborted':
      return 'Cancelled by us';
    case 'unexpected_response':
      return `Unexpected answer (HTTP ${error.status}): is apiUrl right?`;
    case 'attachment_rejected':
      return `The file ${error.fileName ?? ''} was refused (${error.reason}, by ${error.source})${ref}`;
    default: {
      const unknown: never = error;
      return `Unknown error ${JSON.stringify(unknown)}`;
    }
  }
}

const { plain, fake } = connect();
if (!fake) {
  // Against Plain we can show the local refusals only; the rest need a misbehaving server.
  const result = await plain.replyToThread({ threadId: '', textContent: ' ' });
  if (!result.ok) console.log(describe(result.error));
  process.exit(0);
}

const email = fake.addThread({ channel: 'EMAIL' });
const discord = fake.addThread({ channel: 'DISCORD' });
const reply = { threadId: email.id, textContent: 'Hello' };
const scenarios: [string, () => void, typeof reply][] = [
  ['bad input', () => {}, { threadId: email.id, textContent: ' ' }],
  ['a Discord thread', () => {}, { threadId: discord.id, textContent: 'Hello' }],
  ['an unknown thread', () => {}, { threadId: 'th_gone', textContent: 'Hello' }],
  ['Plain is down', () => fake.failNext({ status: 503, operation: 'ReplyToThread' }), reply],
  ['connection lost', () => fake.failNext({ drop: 'after', operation: 'ReplyToThread' }), reply],
  ['a wrong API key', () => fake.failNext({ status: 401, operation: 'ReplyToThread' }), reply],
  // Last: after a 429 the client holds further requests until Plain's reset time.
  ['rate limit', () => fake.failNext({ status: 429, retryAfterSeconds: 120 }), reply],
];
for (const [what, arrange, input] of scenarios) {
  arrange();
  const result = await plain.replyToThread(input, {
    thread: input.threadId === email.id ? { id: email.id, channel: 'EMAIL' } : undefined,
  });
  console.log(`${what.padEnd(18)} -> ${result.ok ? 'sent' : `${result.error.kind}: ${describe(result.error)}`}`);
}
