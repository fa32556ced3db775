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
  /** Answers a request as Plain would; rejects for a dropped connection. */
  handle: (request: Request) => Promise<Response>;
}

/**
 * MSW handlers that answer POSTs to `url` (default: the fake's `apiUrl`) with the fake. A connection the fake drops
 * (`failNext({ drop })`) becomes a network error.
 */
export function mswHandlers(fake: FakeHandler, url: string = fake.apiUrl): HttpHandler[] {
  return [
    http.post(url, async ({ request }) => {
      try {
        return await fake.handle(request);
      } catch {
        return HttpResponse.error();
      }
    }),
  ];
}
