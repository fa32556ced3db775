// Fails when src/generated/ is not what `npm run codegen` would write from schema.graphql and operations/.
// Generates in memory and compares: the working tree is left untouched.
import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.js';

const outputs: { filename: string; content: string }[] = await generate({ ...config, silent: true }, false);
const stale = outputs.filter(({ filename, content }) => {
  let current = '';
  try {
    current = readFileSync(filename, 'utf8');
  } catch {}
  return current !== content;
});
if (stale.length > 0) {
  console.error(
    `Stale generated code: ${stale.map((o) => o.filename).join(', ')}. Run \`npm run codegen\` and commit the result.`,
  );
  process.exit(1);
}
console.log(`Generated code is fresh (${outputs.map((o) => o.filename).join(', ')}).`);
