// The channel rules live in validation.ts, beside the reply's input; this module names them for the testing kit and the tests.
export {
  type CannotReplyReason,
  channelRefusal,
  EMAIL_OPTION_CHANNELS,
  IMPERSONATION_CHANNELS,
  REPLY_CHANNELS,
} from './validation.js';
