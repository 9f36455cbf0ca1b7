/** A body that comes this long after its head, or later, was held back by a stall. */
const STALL_MS = 30;
/** Stalled answers on reused connections before a connection per request is considered. */
const STALLS_TO_CLOSE = 3;
/**
 * The most body Nagle's algorithm holds back whole after a head (one segment: ~64 KiB on
 * loopback). A head alone before more than this is a large body streaming in, not a stall.
 */
const HELD_BODY_BYTES = 64 * 1024;

/**
 * Decides about answers that stall: a server that writes head and body apart without
 * TCP_NODELAY (Python's `http.server` over HTTP/1.1) sends the body only once the head is
 * acknowledged, and the client's kernel delays that ACK on a connection in request/answer
 * rhythm. The only segment that acknowledges the head at once is one with data: the next
 * request. So a request goes out behind such a head (pipelining); the server has read the first
 * request and answers a connection's requests in turn, so it never works on more at once.
 *
 * - Pipelining stops for good once a pipelined request is dropped or given up on.
 * - A request with nothing to follow it (a scan's last round) asks the server to close after
 *   answering, once heads were seen alone: its FIN pushes the held body out.
 * - When answers on reused connections keep stalling ({@link STALLS_TO_CLOSE}, and at least
 *   half of them) while first answers on new connections rarely do (under a quarter),
 *   pipelining is not curing them (too few requests to send behind): a connection per request
 *   from then on. A server whose bodies lag on new connections too is slow by itself.
 */
export class Pipelining {
  #on = true;
  #headsAlone = false;
  #closeEach = false;
  #firstAnswers = 0;
  #firstLagged = 0;
  #laterAnswers = 0;
  #laterLagged = 0;

  /** Whether a 2xx head has come without its body: this server's answers stall. */
  get headsAlone(): boolean {
    return this.#headsAlone;
  }

  /** Whether each request asks for its own connection (`Connection: close`). */
  get closeEach(): boolean {
    return this.#closeEach;
  }

  /** Whether a request may still go behind a stalled answer. */
  get on(): boolean {
    return this.#on;
  }

  /** Whether a request asks the server to close its connection after answering. */
  closesAfter(lastRound: boolean): boolean {
    return this.#closeEach || (lastRound && this.#headsAlone);
  }

  /**
   * A 2xx head came without its body on a kept-alive connection, `bodyLeft` bytes to come.
   * Returns whether the next request should go out behind it.
   */
  headAlone(bodyLeft: number): boolean {
    if (bodyLeft > HELD_BODY_BYTES) return false;
    this.#headsAlone = true;
    return this.#on;
  }

  /** A pipelined request was dropped or given up on: the server may not take them. */
  failed(): void {
    this.#on = false;
  }

  /**
   * An answer ended whose body came `lagMs` after its head (0: with it); `reused`: not its
   * connection's first. Returns true when from now on each request gets its own connection.
   */
  answered(reused: boolean, lagMs: number): boolean {
    const lagged = lagMs >= STALL_MS;
    if (!reused) {
      this.#firstAnswers += 1;
      if (lagged) this.#firstLagged += 1;
      return false;
    }
    this.#laterAnswers += 1;
    if (!lagged || this.#closeEach) return false;
    this.#laterLagged += 1;
    const stalls = this.#laterLagged;
    if (stalls < STALLS_TO_CLOSE || stalls * 2 < this.#laterAnswers) return false;
    if (this.#firstLagged * 4 >= this.#firstAnswers) return false;
    this.#closeEach = true;
    this.#on = false;
    return true;
  }
}
