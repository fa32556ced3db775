// The support portal example (`npm run example -- portal`) driven in headless Chromium: the page, bundled from the
// package's browser build, reads the signed-in customer's conversation through createPlainProxy and replies in it.
// Every response the page receives is recorded, to show that the note and the Bcc recipient the fake holds never
// reach the browser.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Portal, startPortal } from '../../examples/portal/server.js';
import { PlainClient } from '../../src/index.js';
import { launchChromium, requireChromiumAndBuild } from './chromium.js';

/** A response the page received, with its body. */
interface Received {
  url: string;
  status: number;
  body: string;
}

let portal: Portal;
let browser: Browser;
let page: Page;
const received: Received[] = [];

const messageTexts = () => page.locator('#messages li .text').allTextContents();
const messageAuthors = async () =>
  (await page.locator('#messages li .meta').allTextContents()).map((meta) => meta.split(' · ')[0]);

beforeAll(async () => {
  requireChromiumAndBuild();
  portal = await startPortal({ client: 'build' });
  browser = await launchChromium();
  page = await browser.newPage();
  // Every request the page makes goes out through Playwright and comes back as it was answered: what the page
  // receives is exactly what is recorded here, bodies included.
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    received.push({ url: route.request().url(), status: response.status(), body: body.toString('utf8') });
    await route.fulfill({ response, body });
  });
  await page.goto(portal.url);
  await page.locator('body[data-ready="true"]').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

describe('the support portal in Chromium, through createPlainProxy, to the fake of Plain', () => {
  it("lists the signed-in customer's conversations by title", async () => {
    await expect(page.locator('#customer-name').textContent()).resolves.toBe('Ada Lovelace');
    await expect(page.locator('#threads a').allTextContents()).resolves.toEqual([
      'I cannot log in',
      'A question about my invoice',
    ]);
  });

  it('opens a conversation and shows its messages oldest first: the customer, support, the customer; no note', async () => {
    await page.locator('#threads a', { hasText: 'I cannot log in' }).click();
    await page.locator('#reply').waitFor({ state: 'visible' });
    await expect(page.locator('#thread-title').textContent()).resolves.toBe('I cannot log in');
    expect(await messageTexts()).toEqual([
      'Hello, since this morning the login page says my password is wrong.',
      'Sorry about that! We have reset your session: please try again and tell us if it still fails.',
      'It works again, thank you!',
    ]);
    expect(await messageAuthors()).toEqual(['You', 'Support', 'You']);
    expect(await page.content()).not.toContain(portal.seed.noteText);
  });

  it('sends a reply as the signed-in customer and shows it in the conversation', async () => {
    await page.locator('#reply-text').fill('One more question: can I change my email address?');
    await page.locator('#reply button[type="submit"]').click();
    await page.locator('#messages li', { hasText: 'can I change my email address' }).waitFor();
    expect((await messageTexts()).at(-1)).toBe('One more question: can I change my email address?');
    expect((await messageAuthors()).at(-1)).toBe('You');
    await expect(page.locator('#reply-text').inputValue()).resolves.toBe('');
    expect(portal.fake.conversation(portal.seed.threads.email).at(-1)).toMatchObject({
      text: 'One more question: can I change my email address?',
      author: { kind: 'customer', customerId: portal.seed.customer.id },
    });
  });

  it('says in words why a reply was not sent: an empty one, refused before anything is sent', async () => {
    const before = portal.fake.requests.length;
    await page.locator('#reply-text').fill('   ');
    await page.locator('#reply button[type="submit"]').click();
    await expect(page.locator('#reply-error').textContent()).resolves.toBe('Write a message before sending.');
    expect(portal.fake.requests.length).toBe(before);
  });

  it('says in words that a reply Plain failed with a 500 may have been sent', async () => {
    portal.fake.failNext({ operation: 'ReplyToThread', status: 500 });
    await page.locator('#reply-text').fill('Are you there?');
    await page.locator('#reply button[type="submit"]').click();
    await page.locator('#reply-error', { hasText: 'could not confirm' }).waitFor();
    await expect(page.locator('#reply-error').textContent()).resolves.toBe(
      'We could not confirm that your message was sent. Check the conversation before sending it again.',
    );
  });

  it("refuses another customer's conversation, in words, and nothing about it reaches Plain", async () => {
    const { othersThread } = portal.seed;
    await page.evaluate((threadId) => {
      location.hash = threadId;
    }, othersThread);
    await page.locator('#thread-error', { hasText: 'not one of yours' }).waitFor();
    await expect(page.locator('#thread-title').textContent()).resolves.toBe('Conversation unavailable');
    expect(await page.locator('#messages li').count()).toBe(0);
    await expect(page.locator('#reply').isHidden()).resolves.toBe(true);
    expect(portal.fake.requests.filter((r) => JSON.stringify(r.variables ?? {}).includes(othersThread))).toEqual([]);
  });

  it('never lets the note, the Bcc recipient or the API key reach the page, in any response it received', async () => {
    // They are in the fake: a staff read of the same thread sees both.
    const staff = new PlainClient({ apiKey: portal.fake.apiKey, fetch: portal.fake.fetch });
    const timeline = await staff.getTimeline({ threadId: portal.seed.threads.email, first: 50 });
    expect(timeline.ok).toBe(true);
    const staffView = JSON.stringify(timeline);
    expect(staffView).toContain(portal.seed.noteText);
    expect(staffView).toContain(portal.seed.bccEmail);

    const fromProxy = received.filter((r) => new URL(r.url).pathname === '/api/plain');
    // Thread titles, two conversations read (one twice after the reply), replies, the refusals.
    expect(fromProxy.length).toBeGreaterThanOrEqual(8);
    expect(fromProxy.some((r) => r.body.includes('It works again, thank you!'))).toBe(true);
    expect(received.some((r) => r.url.endsWith('/page.js'))).toBe(true);
    for (const response of received) {
      expect(response.body, response.url).not.toContain(portal.seed.noteText);
      expect(response.body, response.url).not.toContain(portal.seed.bccEmail);
      expect(response.body, response.url).not.toContain(portal.fake.apiKey);
      expect(response.body, response.url).not.toContain('Grace here');
    }
  });
});
