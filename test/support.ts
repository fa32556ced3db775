import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createFakePlain } from '../src/testing/index.js';

/** A fake Plain behind MSW for this test file; any request to another URL fails the test. */
export function useFakePlain(options?: Parameters<typeof createFakePlain>[0]) {
  const fake = createFakePlain(options);
  const server = setupServer(...fake.handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    fake.reset();
  });
  afterAll(() => server.close());
  return { fake, server };
}

/** The operations the fake received, in order. */
export const operationsSent = (fake: ReturnType<typeof createFakePlain>) => fake.requests.map((r) => r.operationName);
