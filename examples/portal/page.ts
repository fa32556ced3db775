// The support portal's page: no framework, one module. The customer picks a conversation, reads it and replies.
// Every call goes to the portal's own backend (/api/plain, createPlainProxy), which holds the API key, lets this
// customer touch only their threads, and shows them only what a customer may see.
import { type AttachmentRejectedError, PlainClient, type PlainError, type TimelineEntry } from 'plain-client';

const plain = new PlainClient({ apiUrl: '/api/plain' });

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const threadList = element<HTMLDivElement>('threads');
const title = element<HTMLHeadingElement>('thread-title');
const threadError = element<HTMLParagraphElement>('thread-error');
const messages = element<HTMLOListElement>('messages');
const form = element<HTMLFormElement>('reply');
const replyError = element<HTMLParagraphElement>('reply-error');

/** The thread on screen: the one named in the address (`#th_…`). */
const openThreadId = () => decodeURIComponent(location.hash.slice(1));

/** A failure in words a customer understands; `error.message` is for developers and logs. */
export function describeError(error: PlainError): string {
  switch (error.kind) {
    case 'invalid_input':
      return error.issues.some((issue) => issue.path === 'textContent')
        ? 'Write a message before sending.'
        : `Something in your message is not right: ${error.issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`;
    case 'forbidden':
      return 'This conversation is not one of yours.';
    case 'thread_not_found':
      return 'This conversation does not exist.';
    case 'unauthenticated':
      return 'You are signed out. Reload the page to sign in again.';
    case 'cannot_reply_to_thread':
      return 'This conversation cannot be answered from here.';
    case 'rate_limited':
      return error.retryAfterMs === undefined
        ? 'Too many messages at once. Please wait a moment and try again.'
        : `Too many messages at once. Please try again in ${Math.ceil(error.retryAfterMs / 1000)} seconds.`;
    case 'network':
    case 'timeout':
    case 'server_error':
    case 'unexpected_response':
    case 'graphql_error':
    case 'validation':
    case 'mutation_error':
      return error.mayHaveBeenSent
        ? 'We could not confirm that your message was sent. Check the conversation before sending it again.'
        : 'Something went wrong on our side, and your message was not sent. Please try again.';
    case 'aborted':
      return 'Sending was cancelled.';
    case 'attachment_rejected':
      return describeRejectedFile(error);
    default:
      return error satisfies never;
  }
}

/** Why a file could not be attached, in words. */
function describeRejectedFile(error: AttachmentRejectedError): string {
  const name = error.fileName ?? 'The file';
  switch (error.reason) {
    case 'too_large':
      return error.limitBytes === undefined
        ? `${name} is too large to attach.`
        : `${name} is too large to attach (at most ${(error.limitBytes / 1048576).toFixed(1)} MB).`;
    case 'file_type_not_allowed':
      return `${name} cannot be attached: files of this type are not accepted.`;
    case 'too_small':
    case 'expired':
    case 'access_denied':
    case 'not_uploaded':
    case 'other':
      return `${name} could not be uploaded, and your message was not sent. Please try again.`;
    default:
      return error.reason satisfies never;
  }
}

/** Lists the customer's conversations by title; those that cannot be read show why. */
async function showThreads(threadIds: readonly string[]): Promise<void> {
  const links = await Promise.all(
    threadIds.map(async (threadId) => {
      const link = document.createElement('a');
      link.href = `#${encodeURIComponent(threadId)}`;
      const thread = await plain.getThread(threadId);
      link.textContent = thread.ok ? thread.data.title : describeError(thread.error);
      return link;
    }),
  );
  threadList.replaceChildren(...links);
}

/** The text a message shows, whatever its channel. */
function messageText(content: TimelineEntry['entry']): string {
  switch (content.kind) {
    case 'email':
      return content.text ?? content.markdown ?? '';
    case 'chat':
      return content.text ?? '';
    case 'slack':
    case 'msTeams':
      return content.text;
    case 'discord':
      return content.markdown ?? '';
    default:
      return ''; // notes and internal entries never come through the proxy
  }
}

/** The files a message carries, by name and size. */
function attachmentList(content: TimelineEntry['entry']): HTMLUListElement | undefined {
  const files = 'attachments' in content ? content.attachments : [];
  if (files.length === 0) return undefined;
  const list = document.createElement('ul');
  list.className = 'attachments';
  for (const file of files) {
    const item = document.createElement('li');
    item.textContent = `${file.fileName} (${Math.max(1, Math.round(file.fileSizeBytes / 1024))} KB)`;
    list.append(item);
  }
  return list;
}

/** One message of the conversation as a list item: who wrote it, when, and what. */
function messageItem(message: TimelineEntry): HTMLLIElement {
  const fromCustomer = message.author.kind === 'customer';
  const item = document.createElement('li');
  item.className = fromCustomer ? 'from-you' : 'from-support';
  item.dataset.entryId = message.id;
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `${fromCustomer ? 'You' : 'Support'} · ${new Date(message.timestamp).toLocaleString()}`;
  const text = document.createElement('p');
  text.className = 'text';
  text.textContent = messageText(message.entry);
  item.append(meta, text);
  const files = attachmentList(message.entry);
  if (files) item.append(files);
  return item;
}

/** The conversation's latest messages, oldest first (the timeline comes newest first). */
async function loadConversation(threadId: string) {
  const page = await plain.getTimeline({ threadId, first: 50, messagesOnly: true });
  return page.ok ? { ok: true as const, messages: [...page.data.entries].reverse() } : page;
}

/** Says in words why the conversation cannot be shown. */
function showUnavailable(error: PlainError): void {
  title.textContent = 'Conversation unavailable';
  threadError.textContent = describeError(error);
}

/** Shows the conversation in the address bar: its title, its messages oldest first, and the reply form. */
async function showThread(): Promise<void> {
  const threadId = openThreadId();
  for (const link of threadList.querySelectorAll('a')) {
    if (link.hash === `#${encodeURIComponent(threadId)}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  threadError.textContent = '';
  replyError.textContent = '';
  messages.replaceChildren();
  form.hidden = true;
  if (!threadId) return;
  title.textContent = 'Loading…';
  const [thread, conversation] = await Promise.all([plain.getThread(threadId), loadConversation(threadId)]);
  if (threadId !== openThreadId()) return; // the customer moved on meanwhile
  if (!thread.ok) return showUnavailable(thread.error);
  if (!conversation.ok) return showUnavailable(conversation.error);
  title.textContent = thread.data.title;
  messages.replaceChildren(...conversation.messages.map(messageItem));
  form.hidden = false;
}

/** The reply the form describes. (Add fields here, such as attachments, and they are sent with it.) */
function replyInputFrom(replyForm: HTMLFormElement) {
  const data = new FormData(replyForm);
  return { threadId: openThreadId(), textContent: String(data.get('text') ?? '').trim() };
}

/**
 * Uploads the files picked in the form, one after the other, straight to Plain's storage: their attachment ids, or
 * the first failure. Each upload asks the backend for a form for this customer; the file itself never goes there.
 */
async function uploadPickedFiles(replyForm: HTMLFormElement, threadId: string) {
  const attachmentIds: string[] = [];
  for (const file of new FormData(replyForm).getAll('files')) {
    if (!(file instanceof File) || (file.size === 0 && file.name === '')) continue; // no file picked
    const uploaded = await plain.uploadAttachment({ threadId, file, fileName: file.name });
    if (!uploaded.ok) return uploaded;
    attachmentIds.push(uploaded.data.attachmentId);
  }
  return { ok: true as const, attachmentIds };
}

/** Sends the form's reply; on success clears it and shows the conversation again, else says why in words. */
async function sendReply(replyForm: HTMLFormElement): Promise<void> {
  const button = replyForm.querySelector('button');
  if (button) button.disabled = true;
  replyError.textContent = '';
  try {
    const reply = replyInputFrom(replyForm);
    // An empty message is refused before any file is uploaded.
    if (!reply.textContent) {
      replyError.textContent = 'Write a message before sending.';
      return;
    }
    const files = await uploadPickedFiles(replyForm, reply.threadId);
    if (!files.ok) {
      replyError.textContent = describeError(files.error);
      return;
    }
    const { attachmentIds } = files;
    const result = await plain.replyToThread(attachmentIds.length > 0 ? { ...reply, attachmentIds } : reply);
    if (!result.ok) {
      replyError.textContent = describeError(result.error);
      return;
    }
    replyForm.reset();
    await showThread();
  } finally {
    if (button) button.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void sendReply(form);
});
window.addEventListener('hashchange', () => void showThread());

async function start(): Promise<void> {
  const answer = await fetch('/api/session');
  if (!answer.ok) {
    title.textContent = 'You are signed out. Reload the page to sign in again.';
    return;
  }
  const session = (await answer.json()) as { name: string; threadIds: string[] };
  element('customer-name').textContent = session.name;
  await showThreads(session.threadIds);
  await showThread();
  document.body.dataset.ready = 'true';
}
void start();
