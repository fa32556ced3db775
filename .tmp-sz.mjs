import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const r = await build({ stdin: { contents: `import { PlainClient } from './src/index.ts';
const plain = new PlainClient({ apiUrl: new URL('/api/plain', location.origin).href, credentials: 'include' });
plain.replyToThread({ threadId: 'th_1', textContent: 'Hello' }).then((r) => console.log(r));
plain.getThread('th_1').then((r) => console.log(r));`, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'entry.ts' },
  bundle: true, minify: true, splitting: true, format: 'esm', platform: 'browser', outdir: '/tmp/sz/o5', metafile: true, write: false });
const outs = r.metafile.outputs; const files = new Map(r.outputFiles.map(f => [f.path.split('/').pop(), f.contents]));
const entry = Object.keys(outs).find((k) => outs[k].entryPoint);
const start = new Set(); const visit = (n) => { if (start.has(n)) return; start.add(n); for (const i of outs[n].imports) if (i.kind === 'import-statement') visit(i.path); }; visit(entry);
let g = 0, m = 0; for (const n of start) { const c = files.get(n.split('/').pop()); g += gzipSync(c, { level: 9 }).length; m += c.length; }
console.log('start', m, 'min', g, 'gzip (sum of files)');
