import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// `npm run test:browser`: the real-browser tests (headless Debian Chromium via playwright-core). Kept out of
// `npm test` (vitest.config.ts excludes test/browser) because they need /usr/bin/chromium and a fresh build.
export default defineConfig({
  // The portal example's server imports the package by name, as a user's code does: on the Node side that is this
  // repository's source (the page itself is bundled from dist/, the package's browser build).
  resolve: {
    alias: [
      { find: /^plain-client$/, replacement: source('./src/index.ts') },
      { find: /^plain-client\/proxy$/, replacement: source('./src/proxy/index.ts') },
      { find: /^plain-client\/testing$/, replacement: source('./src/testing/index.ts') },
    ],
  },
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
