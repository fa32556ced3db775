/**
 * An operation's name: the request's `operationName`, or the name in its document. Any name works; these are the
 * ones plain-client sends.
 */
export type FakeOperationName =
  | 'GetThread'
  | 'GetThreadByRef'
  | 'ReplyToThread'
  | 'GetThreadByExternalId'
  | 'GetCustomer'
  | 'GetCustomerByEmail'
  | 'GetCustomerByExternalId'
  | 'ListThreads'
  | 'GetMyMachineUser'
  | 'MarkThreadAsDone'
  | 'MarkThreadAsTodo'
  | 'SnoozeThread'
  | 'AssignThread'
  | 'UnassignThread'
  | 'AddLabels'
  | 'RemoveLabels'
  | 'UpdateThreadAgentStatus'
  | 'CreateNote'
  | 'GetTimeline'
  | 'CreateAttachmentUploadUrl'
  /** Not GraphQL: the POST of an upload form to the fake's storage endpoint. Only faults that name it apply to it. */
  | 'AttachmentUpload'
  | (string & Record<never, never>);

/** A fault the fake applies to a request, for a user's own resilience tests. */
export interface FakeFault {
  /** Answer with this HTTP status. 429 comes with Plain's rate-limit body and `x-ratelimit-reset`; 5xx with an INTERNAL_SERVER_ERROR body. */
  status?: number;
  /** With 429: seconds until the budget resets, sent as `x-ratelimit-reset` (an ISO time, as Plain does). @default 1 */
  retryAfterSeconds?: number;
  /** With 429: also send a `Retry-After` header (Plain sends none). */
  retryAfterHeader?: boolean;
  /** Send this raw text as the body instead of Plain's JSON (e.g. an HTML error page). */
  body?: string;
  /**
   * Drop the connection: `refused` never reaches Plain (like ECONNREFUSED), `before` is cut before Plain acts,
   * `after` is cut once the reply was recorded (the caller cannot know it was sent).
   */
  drop?: 'refused' | 'before' | 'after';
  /**
   * Act on the request first (the reply is recorded), then apply the fault: with `status`, answer with it (a 500 after
   * the reply was recorded); with `delayMs`, answer that much later (past the client's timeout: a reply recorded whose
   * answer never comes back in time); with both, wait then answer with the status. Without it, `status` and `delayMs`
   * apply before Plain acts: a 500 after which nothing was recorded, or a request the client gives up on before Plain
   * acts (the fake then records nothing, as the request was cancelled).
   */
  afterRecording?: boolean;
  /** Answer this much later: before acting on the request, or after with `afterRecording`. Combines with the rest. */
  delayMs?: number;
  /** Only requests for this operation (by name). */
  operation?: FakeOperationName;
  /** How many matching requests it applies to. @default 1 */
  times?: number;
}

/** Picks a fault per request, e.g. at random for a soak test. Return undefined for none. */
export type FaultPolicy = (request: {
  operationName: FakeOperationName | undefined;
  index: number;
}) => FakeFault | undefined;

/** Faults queued by `failNext`, taken in order by the requests they match. */
export class FaultQueue {
  private queue: { fault: FakeFault; left: number }[] = [];
  policy: FaultPolicy | undefined;

  push(fault: FakeFault): void {
    this.queue.push({ fault, left: fault.times ?? 1 });
  }

  take(operationName: FakeOperationName | undefined, index: number): FakeFault | undefined {
    const entry = this.queue.find((e) => !e.fault.operation || e.fault.operation === operationName);
    return entry ? this.use(entry) : this.policy?.({ operationName, index });
  }

  /** The next fault queued for exactly this operation name (no catch-all fault, no policy): for the storage endpoint. */
  takeNamed(operationName: FakeOperationName): FakeFault | undefined {
    const entry = this.queue.find((e) => e.fault.operation === operationName);
    return entry && this.use(entry);
  }

  /** A queued fault, applied once more: it leaves the queue when it has applied `times` times. */
  private use(entry: { fault: FakeFault; left: number }): FakeFault {
    if (--entry.left <= 0) this.queue.splice(this.queue.indexOf(entry), 1);
    return entry.fault;
  }

  clear(): void {
    this.queue = [];
    this.policy = undefined;
  }
}
