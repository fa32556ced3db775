// The support portal's file picker (`npm run example -- portal`) in headless Chromium: the customer picks files,
// replies, and sees them in the conversation. The files go from the page straight to the fake's storage endpoint;
// the portal's backend (createPlainProxy) only asks for the upload forms, for the signed-in customer.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Portal, startPortal } from '../../examples/portal/server.js';
import { launchChromium, requireChromiumAndBuild } from './chromium.js';

let portal: Portal;
let browser: Browser;
let page: Page;
/** The bodies the page sent to the portal's backend (/api/plain). */
const toBackend: string[] = [];

/** A file's bytes: a pattern that appears nowhere else, so its bytes can be looked for. */
const bytesOf = (size: number) => Buffer.alloc(size, 'PORTAL-FILE-BYTES-');

beforeAll(async () => {
  requireChromiumAndBuild();
  portal = await startPortal({ client: 'build' });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/plain') toBackend.push(request.postData() ?? '');
  });
  await page.goto(portal.url);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.locator('#threads a', { hasText: 'A question about my invoice' }).click();
  await page.locator('#reply').waitFor({ state: 'visible' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

describe("the support portal's file picker in Chromium", () => {
  it('uploads the picked files, replies with them, and shows them in the conversation', async () => {
    const { fake, seed } = portal;
    await page.locator('#reply-text').fill('Here is the invoice and a screenshot.');
    await page.locator('#reply-files').setInputFiles([
      { name: 'invoice-0042.pdf', mimeType: 'application/pdf', buffer: bytesOf(120_000) },
      { name: 'screenshot.png', mimeType: 'image/png', buffer: bytesOf(40_000) },
    ]);
    await page.locator('#reply button[type="submit"]').click();
    const sent = page.locator('#messages li', { hasText: 'Here is the invoice' });
    await sent.locator('.attachments li').nth(1).waitFor();

    expect(await sent.locator('.attachments li').allTextContents()).toEqual([
      'invoice-0042.pdf (117 KB)',
      'screenshot.png (39 KB)',
    ]);
    await expect(page.locator('#reply-files').evaluate((input: HTMLInputElement) => input.files?.length)).resolves.toBe(
      0,
    );
    // Both files reached the storage endpoint, and the reply, as the customer, carries both.
    expect(fake.uploads.map((u) => [u.status, u.fields.at(-1)])).toEqual([
      [204, expect.objectContaining({ fileName: 'invoice-0042.pdf', sizeBytes: 120_000 })],
      [204, expect.objectContaining({ fileName: 'screenshot.png', sizeBytes: 40_000 })],
    ]);
    const ids = fake.uploads.map((u) => u.attachmentId);
    expect(fake.conversation(seed.threads.chat).at(-1)).toMatchObject({
      text: 'Here is the invoice and a screenshot.',
      author: { kind: 'customer', customerId: seed.customer.id },
      attachmentIds: ids,
    });
    // Each upload form was asked for the signed-in customer; no file byte went to the backend.
    const asked = fake.requests.filter((r) => r.operationName === 'CreateAttachmentUploadUrl');
    expect(asked.map((r) => (r.variables as { input: { customerId: string } }).input.customerId)).toEqual([
      seed.customer.id,
      seed.customer.id,
    ]);
    expect(toBackend.join('\n')).not.toContain('PORTAL-FILE-BYTES');
  });

  it("says in words that a file is over the portal's limit, and neither the file nor the reply is sent", async () => {
    const { fake, seed } = portal;
    const before = { requests: fake.requests.length, uploads: fake.uploads.length };
    const messages = fake.conversation(seed.threads.chat).length;
    await page.locator('#reply-text').fill('A big one');
    await page
      .locator('#reply-files')
      .setInputFiles([{ name: 'recording.png', mimeType: 'image/png', buffer: bytesOf(2 * 1024 * 1024 + 1) }]);
    await page.locator('#reply button[type="submit"]').click();
    await page.locator('#reply-error', { hasText: 'too large' }).waitFor();
    await expect(page.locator('#reply-error').textContent()).resolves.toBe('recording.png is too large to attach.');
    // The page looked the thread up; the proxy refused the upload form itself: no upload and no reply reached Plain.
    expect(fake.requests.slice(before.requests).map((r) => r.operationName)).toEqual(['GetThread']);
    expect(fake.uploads.length).toBe(before.uploads);
    expect(fake.conversation(seed.threads.chat)).toHaveLength(messages);
  });

  it('refuses a file of a banned type before anything is sent', async () => {
    const { fake } = portal;
    const before = toBackend.length;
    const requests = fake.requests.length;
    await page.locator('#reply-text').fill('Run this');
    await page
      .locator('#reply-files')
      .setInputFiles([{ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: bytesOf(1_000) }]);
    await page.locator('#reply button[type="submit"]').click();
    await page.locator('#reply-error', { hasText: 'not accepted' }).waitFor();
    await expect(page.locator('#reply-error').textContent()).resolves.toBe(
      'setup.exe cannot be attached: files of this type are not accepted.',
    );
    expect(toBackend.length).toBe(before);
    expect(fake.requests.length).toBe(requests);
  });
});
