import type { ThreadChannel } from './generated/graphql.js';

/** Channels on which Plain lets an API reply (plain-api.md §5). */
export const REPLY_CHANNELS: readonly ThreadChannel[] = ['API', 'CHAT', 'EMAIL', 'SLACK', 'MS_TEAMS'];
/** Channels on which a reply may be sent as a customer. MS_TEAMS takes replies but not impersonation. */
export const IMPERSONATION_CHANNELS: readonly ThreadChannel[] = ['API', 'CHAT', 'EMAIL', 'SLACK'];
/** Channels whose replies are emails, and so take Cc and Bcc. */
export const EMAIL_OPTION_CHANNELS: readonly ThreadChannel[] = ['EMAIL', 'API'];

export type CannotReplyReason =
  | 'channel_not_supported'
  | 'impersonation_not_supported'
  | 'channel_specific_options_not_supported'
  | 'server';

/** Why Plain would refuse this reply on this channel, or undefined when the channel allows it. */
export function channelRefusal(
  channel: ThreadChannel,
  wants: { impersonation?: unknown; channelSpecificOptions?: unknown },
): Exclude<CannotReplyReason, 'server'> | undefined {
  if (!REPLY_CHANNELS.includes(channel)) return 'channel_not_supported';
  if (wants.impersonation && !IMPERSONATION_CHANNELS.includes(channel)) return 'impersonation_not_supported';
  if (wants.channelSpecificOptions && !EMAIL_OPTION_CHANNELS.includes(channel)) {
    return 'channel_specific_options_not_supported';
  }
  return undefined;
}
