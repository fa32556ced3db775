import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', proxy: 'src/proxy/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Both builds run at once: this one must not delete the browser build's files.
    clean: ['!browser/**'],
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
    external: ['msw', 'node:http'],
  },
  {
    // The `browser` export condition (package.json). graphql-request is bundled in, with `graphql` replaced by a
    // shim: see src/browser/graphql-shim.ts for why that is safe and what it saves. Types are dist/index.d.ts.
    entry: { index: 'src/index.ts' },
    outDir: 'dist/browser',
    format: ['esm', 'cjs'],
    dts: false,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'browser',
    treeshake: true,
    noExternal: ['graphql-request', 'graphql'],
    esbuildOptions(options) {
      options.alias = { graphql: fileURLToPath(new URL('src/browser/graphql-shim.ts', import.meta.url)) };
    },
    banner: { js: '/*! Bundles graphql-request (MIT License, Copyright (c) 2022 Jason Kuhrt). */' },
  },
]);
