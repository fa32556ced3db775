// The hand-written integration plain-client is measured against, shared by bench/run.mjs, bench/ab.mjs and
// bench/overhead.mjs so that every comparison is against the same code: a careful integration's documents (the
// selections plain-client asks for, written inline), a `fetch` POST with content-type and authorization, the answer
// read as JSON, and on a new thread the channel checked before the mutation.
export const API_KEY = 'plainApiKey_benchmark';
export const TEXT = 'Thanks, this is fixed now.';
export const REPLY_QUERY =
  'mutation ReplyToThread($input: ReplyToThreadInput!) { replyToThread(input: $input) { error { message type code fields { field message type } } } }';
export const THREAD_QUERY = 'query GetThread($threadId: ID!) { thread(threadId: $threadId) { id ref title channel status customer { id } } }';
export const RAW_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };
const REPLY_CHANNELS = ['API', 'CHAT', 'EMAIL', 'SLACK', 'MS_TEAMS'];

/** Plain-like ids (`th_` + 26 characters), never repeated by one generator. */
export function idMaker() {
  let seq = 0;
  return (tag = 'C') => `th_${tag}${String(seq++).padStart(25, '0')}`;
}

/** The hand-written calls against `apiUrl`: the mutation alone (the floor), and lookup + mutation. */
export function handWritten(apiUrl) {
  async function rawPost(query, variables, operationName, headers = RAW_HEADERS, signal = undefined) {
    const res = await fetch(apiUrl, { method: 'POST', headers, signal, body: JSON.stringify({ query, variables, operationName }) });
    if (!res.ok) throw new Error(`raw ${operationName}: HTTP ${res.status}`);
    return res.json();
  }
  async function rawReply(threadId, headers, signal) {
    const json = await rawPost(REPLY_QUERY, { input: { threadId, textContent: TEXT } }, 'ReplyToThread', headers, signal);
    if (json.data?.replyToThread?.error !== null) throw new Error('raw reply: unexpected answer');
  }
  async function rawLookupAndReply(threadId) {
    const json = await rawPost(THREAD_QUERY, { threadId }, 'GetThread');
    if (!REPLY_CHANNELS.includes(json.data?.thread?.channel)) throw new Error('raw lookup: unexpected answer');
    await rawReply(threadId);
  }
  return { rawReply, rawLookupAndReply };
}
