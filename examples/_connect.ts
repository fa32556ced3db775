// Shared by the examples: Plain itself when PLAIN_API_KEY is set, otherwise plain-client's fake of Plain.
import { PlainClient } from 'plain-client';
import { createFakePlain, type FakePlain } from 'plain-client/testing';

export function connect(): { plain: PlainClient; fake?: FakePlain } {
  const apiKey = process.env.PLAIN_API_KEY;
  if (apiKey) {
    console.log('Talking to Plain itself (PLAIN_API_KEY is set).');
    return { plain: new PlainClient({ apiKey }) };
  }
  console.log("Talking to plain-client's built-in fake of Plain (set PLAIN_API_KEY to use your workspace).");
  const fake = createFakePlain();
  return { plain: new PlainClient({ apiKey: fake.apiKey, fetch: fake.fetch }), fake };
}

/** An environment variable, or with the fake a value it seeded; exits with a hint when neither exists. */
export function setting(name: string, seeded: (() => string) | undefined): string {
  const value = process.env[name] ?? seeded?.();
  if (value === undefined) {
    console.error(`Set ${name} to run this example against Plain.`);
    process.exit(2);
  }
  return value;
}
