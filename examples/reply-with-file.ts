// Reply with a file: plain-client checks it, uploads it for the thread's customer, then replies with it.
// Against Plain: PLAIN_API_KEY=... PLAIN_THREAD_ID=th_... npm run example -- reply-with-file
import { connect, setting } from './_connect.js';

const { plain, fake } = connect();
const threadId = setting(
  'PLAIN_THREAD_ID',
  fake && (() => fake.addThread({ channel: 'EMAIL', title: 'Where is my invoice?' }).id),
);

const invoice = new TextEncoder().encode('Invoice 1042\nTotal: 99.00 EUR\n');
const result = await plain.replyToThread({
  threadId,
  textContent: 'Here is your invoice, attached.',
  attachments: [{ file: invoice, fileName: 'invoice-1042.txt' }],
});

if (result.ok) {
  for (const file of result.uploaded ?? [])
    console.log(`Uploaded ${file.fileName} (${file.sizeBytes} bytes) as ${file.attachmentId}.`);
  console.log(`Replied on ${result.data.channel} thread ${result.data.threadId} with the file attached.`);
} else {
  // step 'upload': no reply went out; step 'reply': the files are uploaded (result.uploaded), pass their ids to retry.
  console.log(`Could not reply (${result.error.kind} at step ${result.step}): ${result.error.message}`);
  process.exitCode = 1;
}

// A file Plain would refuse is refused here, before anything is sent.
const refused = await plain.uploadAttachment({ threadId, file: new Uint8Array([77, 90]), fileName: 'setup.exe' });
if (!refused.ok)
  console.log(
    `setup.exe: ${refused.error.kind} (${refused.error.kind === 'attachment_rejected' ? refused.error.reason : ''})`,
  );

if (fake) {
  const [message] = fake.messages(threadId);
  const files = (message?.attachmentIds ?? []).map((id) => fake.attachment(id)?.fileName);
  console.log(`The customer now sees: "${message?.text}" with ${files.join(', ')}.`);
}
