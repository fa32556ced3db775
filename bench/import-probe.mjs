// Run by bench/run.mjs in a fresh Node process: prints how long one import took, in milliseconds.
// `plain-client` resolves to this package's own dist/ through its "exports" (a self-reference);
// `deps` imports what plain-client cannot avoid loading: graphql-request (which loads graphql) and zod/mini.
const which = process.argv[2];
const t0 = performance.now();
if (which === 'plain-client') await import('plain-client');
else if (which === 'deps') await Promise.all([import('graphql-request'), import('zod/mini')]);
else throw new Error(`unknown probe ${which}`);
process.stdout.write(String(performance.now() - t0));
