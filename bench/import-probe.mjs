// Run by bench/run.mjs in a fresh Node process: prints how long `import('plain-client')` took, as JSON: wall-clock
// milliseconds and CPU milliseconds (user + system, every thread of the process) spent meanwhile.
// `plain-client` resolves to this package's own dist/ through its `exports` (a self-reference), as after an install.
const cpuBefore = process.cpuUsage();
const start = performance.now();
await import('plain-client');
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
