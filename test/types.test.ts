import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ReplyToThreadInput as GraphQLReplyToThreadInput } from '../src/generated/graphql.js';
import {
  type PlainClient,
  type PlainError,
  type PlainErrorKind,
  type ReplyToThreadInput,
  type ReplyToThreadResult,
  type ThreadChannel,
  VERSION,
} from '../src/index.js';

// These assertions are checked by `npm run typecheck` (tsc); at run time they are no-ops.
describe('the public types', () => {
  it('narrow the result on ok and on error', () => {
    const use = (result: ReplyToThreadResult) => {
      if (!result.ok) {
        expectTypeOf(result.error).toEqualTypeOf<PlainError>();
        expectTypeOf(result.data).toEqualTypeOf<undefined>();
        return;
      }
      expectTypeOf(result.data).toEqualTypeOf<{ threadId: string; channel: ThreadChannel }>();
      expectTypeOf(result.error).toEqualTypeOf<undefined>();
    };
    const useByError = (result: ReplyToThreadResult) => {
      if (result.error) expectTypeOf(result.error).toEqualTypeOf<PlainError>();
      else expectTypeOf(result.data).toEqualTypeOf<{ threadId: string; channel: ThreadChannel }>();
    };
    expectTypeOf(use).toBeFunction();
    expectTypeOf(useByError).toBeFunction();
  });

  it('are a closed union of kinds that a switch can exhaust', () => {
    expectTypeOf<PlainErrorKind>().toEqualTypeOf<
      | 'invalid_input'
      | 'cannot_reply_to_thread'
      | 'thread_not_found'
      | 'unauthenticated'
      | 'forbidden'
      | 'rate_limited'
      | 'validation'
      | 'mutation_error'
      | 'network'
      | 'timeout'
      | 'server_error'
      | 'graphql_error'
      | 'aborted'
      | 'unexpected_response'
      | 'attachment_rejected'
    >();
    const exhaustive = (error: PlainError): string => {
      switch (error.kind) {
        case 'invalid_input':
          return error.issues[0]?.path ?? '';
        case 'cannot_reply_to_thread':
          return `${error.reason} ${error.source} ${error.channel}`;
        case 'rate_limited':
          return String(error.retryAfterMs);
        case 'validation':
          return error.fields.map((f) => f.field).join();
        case 'mutation_error':
          return `${error.code} ${error.type}`;
        case 'forbidden':
          return error.permission ?? '';
        case 'timeout':
          return String(error.timeoutMs);
        case 'graphql_error':
          return error.errors.map((e) => e.code).join();
        case 'attachment_rejected':
          return `${error.reason} ${error.source} ${error.code} ${error.fileName} ${error.limitBytes}`;
        case 'thread_not_found':
        case 'unauthenticated':
        case 'network':
        case 'server_error':
        case 'aborted':
        case 'unexpected_response':
          return error.message;
        default: {
          const unreachable: never = error;
          return unreachable;
        }
      }
    };
    expectTypeOf(exhaustive).returns.toBeString();
  });

  it('forbid two customer identifiers at once', () => {
    const plain = {} as PlainClient;
    const call = () =>
      plain.replyToThread({
        threadId: 'th_1',
        textContent: 'x',
        // @ts-expect-error: only one of emailAddress, customerId, externalId
        impersonation: { asCustomer: { customerIdentifier: { emailAddress: 'a@example.com', customerId: 'c_1' } } },
      });
    expectTypeOf(call).toBeFunction();
  });

  it("accept what Plain's own ReplyToThreadInput accepts, and send a valid one", () => {
    expectTypeOf<ReplyToThreadInput>().toMatchTypeOf<GraphQLReplyToThreadInput>();
  });

  it('VERSION matches package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
