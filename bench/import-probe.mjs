// Run by bench/run.mjs in a fresh Node process: `node bench/import-probe.mjs [module]` prints how long importing the
// module (default `plain-client`) took, as JSON: wall-clock milliseconds and CPU milliseconds (user + system, every
// thread of the process) spent meanwhile. `plain-client` resolves to this package's own dist/ through its `exports`
// (a self-reference), as after an install.
const specifier = process.argv[2] ?? 'plain-client';
const cpuBefore = process.cpuUsage();
const start = performance.now();
await import(specifier);
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
