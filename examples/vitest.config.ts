import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Lets the example test import 'plain-client' as a user would, resolved to this repository's source.
export default defineConfig({
  resolve: {
    alias: {
      'plain-client/testing': fileURLToPath(new URL('../src/testing/index.ts', import.meta.url)),
      'plain-client': fileURLToPath(new URL('../src/index.ts', import.meta.url)),
    },
  },
  test: { include: ['examples/**/*.test.ts'] },
});
