import { describe, expect, it } from 'vitest';
import { channelRefusal } from '../src/channels.js';
import type { ThreadChannel } from '../src/index.js';

const ALL: ThreadChannel[] = ['EMAIL', 'SLACK', 'CHAT', 'API', 'MS_TEAMS', 'DISCORD', 'IMPORT', 'INTERNAL'];
const refusal = (channel: ThreadChannel, wants: { impersonation?: unknown; channelSpecificOptions?: unknown } = {}) =>
  channelRefusal(channel, wants);

describe("Plain's channel rules for a reply", () => {
  it('replies go on API, CHAT, EMAIL, SLACK and MS_TEAMS threads only', () => {
    expect(ALL.filter((c) => refusal(c) === undefined)).toEqual(['EMAIL', 'SLACK', 'CHAT', 'API', 'MS_TEAMS']);
    expect(refusal('DISCORD')).toBe('channel_not_supported');
  });

  it('impersonation on API, CHAT, EMAIL and SLACK, not MS_TEAMS', () => {
    const wants = { impersonation: { asCustomer: {} } };
    expect(ALL.filter((c) => refusal(c, wants) === undefined)).toEqual(['EMAIL', 'SLACK', 'CHAT', 'API']);
    expect(refusal('MS_TEAMS', wants)).toBe('impersonation_not_supported');
  });

  it('Cc and Bcc on EMAIL and API only', () => {
    const wants = { channelSpecificOptions: { email: {} } };
    expect(ALL.filter((c) => refusal(c, wants) === undefined)).toEqual(['EMAIL', 'API']);
    expect(refusal('CHAT', wants)).toBe('channel_specific_options_not_supported');
  });

  it('an unsupported channel is named first, whatever else the reply asks for', () => {
    expect(refusal('DISCORD', { impersonation: {}, channelSpecificOptions: {} })).toBe('channel_not_supported');
  });
});
