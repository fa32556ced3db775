/**
 * plain-client/testing/msw: the fake of Plain as MSW request handlers. A separate entry so that
 * plain-client/testing works without msw installed (msw is an optional peer dependency).
 * @example
 * import { setupServer } from 'msw/node';
 * import { createFakePlain } from 'plain-client/testing';
 * import { mswHandlers } from 'plain-client/testing/msw';
 * const fake = createFakePlain();
 * const server = setupServer(...mswHandlers(fake));
 */
import { type HttpHandler, HttpResponse, http } from 'msw';

/** The one method of the fake these handlers use: `createFakePlain()` returns it. */
export interface FakeHandler {
  apiUrl: string;
  /** Where the fake's upload forms post (`fake.storageUrl`): answered too, when given. */
  storageUrl?: string;
  /** Answers a request as Plain would; rejects for a dropped connection. */
  handle: (request: Request) => Promise<Response>;
}

/**
 * MSW handlers that answer POSTs to `url` (default: the fake's `apiUrl`) with the fake, and uploads to its storage
 * endpoint (`fake.storageUrl`). A connection the fake drops (`failNext({ drop })`) becomes a network error.
 */
export function mswHandlers(fake: FakeHandler, url: string = fake.apiUrl): HttpHandler[] {
  const answer = async ({ request }: { request: Request }) => {
    try {
      return await fake.handle(request);
    } catch {
      return HttpResponse.error();
    }
  };
  const handlers = [http.post(url, answer)];
  if (fake.storageUrl) handlers.push(http.post(fake.storageUrl, answer), http.options(fake.storageUrl, answer));
  return handlers;
}
