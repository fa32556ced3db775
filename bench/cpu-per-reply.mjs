// Run by bench/run.mjs in a fresh process: `node bench/cpu-per-reply.mjs` prints JSON.
//
// The SDK's own CPU per warm reply (a thread whose channel the client already knows, so one request): PlainClient
// and a hand-written call both post to the same in-process `fetch` that answers at once (bench/instant-plain.mjs),
// so the difference between their per-call medians is what plain-client adds: validation, the channel memory,
// building the request, the deadline, reading and mapping the answer. Blocks of the two alternate so that anything
// else on the machine weighs on both.
import { PlainClient } from 'plain-client';
import { API_KEY, instantFetch, TEXT } from './instant-plain.mjs';

const BLOCKS = 40;
const CALLS_PER_BLOCK = 500;
const WARM_UP = 5_000;

const fetch = instantFetch();
const WARM_ID = 'th_01HWARMTHREAD0000000000000';
const REPLY_QUERY =
  'mutation ReplyToThread($input: ReplyToThreadInput!) { replyToThread(input: $input) { error { message type code } } }';
const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };

/** What a careful hand-written integration does for one reply, minus the network. */
async function bareReply() {
  const body = JSON.stringify({ query: REPLY_QUERY, variables: { input: { threadId: WARM_ID, textContent: TEXT } } });
  const response = await fetch('https://core-api.uk.plain.com/graphql/v1', { method: 'POST', headers: HEADERS, body });
  const json = await response.json();
  if (!response.ok || json.data?.replyToThread?.error !== null) throw new Error('bare reply: unexpected answer');
}

const client = new PlainClient({ apiKey: API_KEY, fetch });
async function sdkReply() {
  const result = await client.replyToThread({ threadId: WARM_ID, textContent: TEXT });
  if (!result.ok) throw new Error(`plain-client failed: ${result.error.kind}: ${result.error.message}`);
}

async function timeBlock(call, samples) {
  for (let i = 0; i < CALLS_PER_BLOCK; i++) {
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

for (let i = 0; i < WARM_UP; i++) {
  await bareReply();
  await sdkReply(); // the first one looks the thread up; every later one is warm
}

const sdk = [];
const bare = [];
for (let block = 0; block < BLOCKS; block++) {
  if (block % 2 === 0) {
    await timeBlock(sdkReply, sdk);
    await timeBlock(bareReply, bare);
  } else {
    await timeBlock(bareReply, bare);
    await timeBlock(sdkReply, sdk);
  }
}

const us = (ms) => ms * 1000;
process.stdout.write(
  JSON.stringify({
    calls: sdk.length,
    sdkMedianUs: us(median(sdk)),
    bareMedianUs: us(median(bare)),
    overBareUs: us(median(sdk) - median(bare)),
  }),
);
