import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the real-browser test (headless Debian Chromium via playwright-core). Kept out of
// `npm test` (vitest.config.ts excludes test/browser) because it needs /usr/bin/chromium and a fresh build.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
