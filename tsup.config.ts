import { defineConfig } from 'tsup';

// One build for Node, bundlers and browsers alike: the only run-time dependency is zod (through zod/mini), and
// nothing in src/ outside src/proxy/ and src/testing/ touches a Node API.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    proxy: 'src/proxy/index.ts',
    testing: 'src/testing/index.ts',
    'testing-msw': 'src/testing/msw.ts',
    webhooks: 'src/webhooks/index.ts',
    redis: 'src/redis/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  external: ['msw', 'node:http'],
});
