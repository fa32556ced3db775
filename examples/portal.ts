// A support portal on 127.0.0.1: the signed-in customer reads their conversations and replies, in a plain web page
// whose PlainClient has no API key. Its backend (examples/portal/server.ts) mounts createPlainProxy, which lets the
// customer touch only their own threads and shows them only what a customer may see: no internal notes, no Bcc.
// Always against the fake of Plain, seeded with one customer's conversations. Stop it with Ctrl+C.
import { startPortal } from './portal/server.js';

console.log("Talking to plain-client's built-in fake of Plain (always, in this example: it seeds the conversations).");
const port = Number(process.env.PORT ?? 0);
const portal = await startPortal({ port: Number.isInteger(port) ? port : 0 });
console.log(`Support portal for ${portal.seed.customer.email}: ${portal.url}`);
console.log('Open it in a browser. Ctrl+C stops it.');

const stop = () => void portal.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
