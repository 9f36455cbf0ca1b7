/** Receives one response. After `onResponseEnd` or `onResponseError` nothing more is called. */
export interface ResponseHandler {
  onResponseStart(status: number, headers: Readonly<Record<string, string>>): void;
  /**
   * The head came without the body and the next request will go out behind this answer
   * (pipelining): the caller may let another request take this one's slot now.
   */
  onResponseStalled?(): void;
  onResponseData(chunk: Buffer): void;
  onResponseEnd(): void;
  onResponseError(error: Error): void;
}

/** One request in flight; `abort` drops it, and no handler method is called after it. */
export interface Exchange {
  abort(): void;
}

/** What an exchange needs of the connection carrying it. */
export interface Carrier {
  /** The caller gave up on `exchange`. */
  abandon(exchange: PoolExchange): void;
}

/** One request: its head, who gets the answer, and which connection carries it now. */
export class PoolExchange implements Exchange {
  readonly head: string;
  readonly handler: ResponseHandler;
  connection: Carrier | undefined;
  /** Answered, failed or given up: its handler hears nothing more. */
  over = false;
  /** Sent again once already, after its reused connection turned out to be stale. */
  retried = false;
  /** Sent behind another answer on its connection, and its own answer has not begun. */
  pipelined = false;

  constructor(head: string, handler: ResponseHandler) {
    this.head = head;
    this.handler = handler;
  }

  abort(): void {
    if (this.over) return;
    this.over = true;
    this.connection?.abandon(this);
  }
}
