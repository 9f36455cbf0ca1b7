import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';
import type * as Tls from 'node:tls';
import { formatDuration } from '../core/duration.ts';
import { HttpError } from './http/http-error.ts';

/** Opens a connection to the provider; returns a function that abandons it. */
export type Connect = (done: (err: Error | null, socket: Socket | null) => void) => () => void;

/** How the retrying connector behaves. */
export interface ConnectorOptions {
  /** `http:` or `https:` origin of the provider. */
  readonly origin: URL;
  /** Overall time a connect may take, retries included. */
  readonly timeoutMs: number;
  /** What paces connects after an overflow; default a pacer of its own. */
  readonly pacer?: ConnectPacer;
  /** Least wait before a connect is retried; default 2 ms. */
  readonly minRetryMs?: number;
}

/** Connects at once to a provider not yet heard from. */
const INITIAL_CONNECTS = 4;
/**
 * A connection held this many times as long as usual, and at least {@link STALE_HOLD_MIN_MS},
 * no longer counts as held: it is hung, not queued.
 */
const STALE_HOLD_FACTOR = 4;
/**
 * The hold applies to providers answering in under 20 ms (client.ts); while one answers
 * others, its queue keeps none of ours this long. With 4× alone (a few milliseconds on the
 * seed provider) the seed scan was slower: median 239 against 216 ms of 31.
 */
const STALE_HOLD_MIN_MS = 50;

/**
 * Paces connects: at most `cap` at once, the others wait their turn here. The cap starts at
 * {@link INITIAL_CONNECTS} and grows by one per connect that gets through at the first try, so
 * it doubles every round (slow start, as TCP does), until the first dropped SYN (a connect that
 * had to be retried) or a {@link limit}. From then on a dropped SYN halves it from the
 * connects then under way, once per burst, and each round of connects that get through at the
 * first try raises it by one (AIMD, on connects rather than on requests).
 *
 * Besides, the owner may bound the connections the provider holds ({@link holdAtCurrent}): a
 * connect then starts only while fewer are held or under way, and each connection the
 * provider lets go of ({@link released}) makes room for one, as ACKs clock TCP's sends.
 *
 * A small backlog is a limit on how fast connections may arrive, not on how many requests a
 * provider can serve: a threaded HTTP/1.0 server with a backlog of 5 answers 64 requests at
 * once in 50 ms each, as long as their connects do not all arrive together. The slow start
 * keeps the first `--concurrency` connects to a kept-alive provider from arriving together:
 * against Python's threaded server speaking HTTP/1.1 that burst cost 200-500 ms of retried
 * connects in 3 of 9 scans, and on loopback the ramp costs nothing measurable.
 */
export class ConnectPacer {
  #cap = INITIAL_CONNECTS;
  #slowStart = true;
  #active = 0;
  #credit = 0;
  #cutAt = Number.NEGATIVE_INFINITY;
  #resent = 0;
  #queue: Array<{ start: () => void; withdrawn: boolean } | undefined> = [];
  #head = 0;
  readonly #onCut: (() => void) | undefined;
  readonly #held: (maxAgeMs: number) => number;
  #holdCap = Number.POSITIVE_INFINITY;
  #holdCredit = 0;
  /** How long the provider held a connection of ours before letting go (moving average). */
  #heldMs: number | undefined;
  #recheck: NodeJS.Timeout | undefined;
  /** Connects under way, oldest first, each with a function that re-sends it if its SYN was most likely dropped. */
  readonly #underWay = new Set<() => boolean>();

  /**
   * `onCut` is told each time a dropped SYN cuts the cap (once per burst); `held` counts the
   * connections the provider holds of ours now (connected, answer not yet read), leaving out
   * those connected longer than `maxAgeMs` ago.
   */
  constructor(options: { onCut?: () => void; held?: (maxAgeMs: number) => number } = {}) {
    this.#onCut = options.onCut;
    this.#held = options.held ?? (() => 0);
  }

  /** Connects allowed at once now. */
  get cap(): number {
    return this.#cap;
  }

  /** Caps connects at once from now on and ends slow start (lowers the cap only). */
  limit(cap: number): void {
    this.#cap = Math.min(this.#cap, Math.max(1, Math.floor(cap)));
    this.#slowStart = false;
  }

  /** Runs `start` now, or once a connect ends; returns a function that withdraws it if still waiting. */
  enter(start: () => void): () => void {
    if (this.#room()) {
      this.#active += 1;
      start();
      return noop;
    }
    const entry = { start, withdrawn: false };
    this.#queue.push(entry);
    this.#lookAgainLater();
    return () => {
      entry.withdrawn = true;
    };
  }

  /**
   * From now on, connects start only while the provider holds fewer connections of ours than
   * it does now (at least `floor`), counting those under way; the cap grows by one per round of
   * connects that get through at the first try.
   *
   * A connection held four times as long as the provider usually holds one (and at least
   * 50 ms) is not counted: it is not waiting in the provider's queue but hung, or slow to
   * answer, and it must not keep the others out (with 30 % of instances hanging, a seed scan
   * took 4-16 s instead of 3.3).
   */
  holdAtCurrent(floor: number): void {
    this.#holdCap = Math.max(1, Math.floor(floor), this.#heldNow());
    this.#holdCredit = 0;
  }

  #heldNow(): number {
    return this.#held(this.#staleAfterMs());
  }

  #staleAfterMs(): number {
    return this.#heldMs === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(STALE_HOLD_MIN_MS, STALE_HOLD_FACTOR * this.#heldMs);
  }

  /**
   * Connects wait for the hold: if the provider has stopped answering, nothing wakes them until
   * a timeout, so look again once the connections held now count as hung.
   */
  #lookAgainLater(): void {
    if (this.#recheck !== undefined || this.#holdCap === Number.POSITIVE_INFINITY) return;
    const after = this.#staleAfterMs();
    if (after === Number.POSITIVE_INFINITY) return;
    this.#recheck = setTimeout(() => {
      this.#recheck = undefined;
      this.#wake();
    }, after);
    this.#recheck.unref();
  }

  /**
   * Tracks a connect under way until the returned function is called. `resend` re-sends it
   * if its SYN was most likely dropped, and says whether it did.
   */
  track(resend: () => boolean): () => void {
    this.#underWay.add(resend);
    return () => {
      this.#underWay.delete(resend);
    };
  }

  /**
   * The provider let go of a connection of ours, answered `heldMs` after it began to carry
   * the request (undefined: it ended otherwise, e.g. timed out). One that serves a connection
   * at a time now takes the next from its listen queue, which has room for one more: the
   * oldest connect whose SYN was most likely dropped is re-sent now rather than at its retry
   * timer (by then backed off to several times the few milliseconds the queue takes to
   * drain), or else a waiting one starts.
   */
  released(heldMs: number | undefined): void {
    // Only answers say how long the provider keeps a connection in its queue; a timeout of a
    // hung one says nothing of it.
    if (heldMs !== undefined) {
      this.#heldMs =
        this.#heldMs === undefined ? heldMs : this.#heldMs + (heldMs - this.#heldMs) / 8;
    }
    for (const resend of this.#underWay) if (resend()) return;
    this.#wake();
  }

  #room(): boolean {
    if (this.#active >= this.#cap) return false;
    return (
      this.#holdCap === Number.POSITIVE_INFINITY || this.#active + this.#heldNow() < this.#holdCap
    );
  }

  /** A connect that entered has ended, whichever way. */
  leave(): void {
    this.#active -= 1;
    this.#wake();
  }

  /** Connects sent again so far because their SYN was most likely dropped. */
  get resent(): number {
    return this.#resent;
  }

  /** A connect begun at `sentAt` had to be retried: its SYN was most likely dropped. */
  dropped(sentAt: number, now: number): void {
    this.#resent += 1;
    if (sentAt <= this.#cutAt) return;
    this.#cap = Math.max(1, Math.floor(this.#active / 2));
    this.#slowStart = false;
    this.#credit = 0;
    this.#cutAt = now;
    this.#onCut?.();
  }

  /** A connect got through at its first try. */
  completed(): void {
    if (this.#holdCap !== Number.POSITIVE_INFINITY) {
      this.#holdCredit += 1;
      if (this.#holdCredit >= this.#holdCap) {
        this.#holdCredit = 0;
        this.#holdCap += 1;
      }
    }
    if (this.#slowStart) {
      this.#cap += 1;
      this.#wake();
      return;
    }
    this.#credit += 1;
    if (this.#credit >= this.#cap) {
      this.#credit = 0;
      this.#cap += 1;
      this.#wake();
    }
  }

  #wake(): void {
    while (this.#head < this.#queue.length && this.#room()) {
      const entry = this.#queue[this.#head];
      this.#queue[this.#head] = undefined;
      this.#head += 1;
      if (entry === undefined || entry.withdrawn) continue;
      this.#active += 1;
      entry.start();
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else {
      this.#lookAgainLater();
    }
  }
}

function noop(): void {}

/** Never retry a connect sooner than this many times the usual connect time. */
const RETRY_FACTOR = 4;
/** Before any connect has succeeded: a cautious first retry. */
const FIRST_RETRY_MS = 200;

/**
 * A connector that re-sends a connect when it takes far longer than connects to this
 * provider usually take, instead of waiting for the kernel's SYN retransmit.
 *
 * Why: a single-threaded provider with a small listen backlog (the original's was 5)
 * silently drops SYNs while its accept queue is full, and the kernel retransmits only
 * after a fixed 1 s (RFC 6298's initial RTO: the kernel knows nothing of the path yet).
 * We do know it: the connect times seen so far. A connect pending for 4× the usual time
 * (at least `minRetryMs`) is abandoned and a fresh one sent, with the wait doubling
 * each time; no request has been sent on it yet, so nothing is duplicated. Each such
 * retry tells the {@link ConnectPacer}, which then lets fewer connects run at once. When the
 * provider lets go of a connection, the oldest connect that has waited that long, floor and
 * back-off aside, is re-sent at once: there is room in the queue now.
 *
 * The floor is low (2 ms: loopback connects take ~0.1 ms, a dropped SYN forever) so that
 * the pacer hears of an overflowing backlog early. A connect is never given up for the
 * client's own slowness: the decision waits for the I/O of that turn of the event loop.
 *
 * Overflows pace connects; they do not shrink the request window. They did until this was
 * measured against a threaded HTTP/1.0 server with Python's default backlog of 5 and 50 ms per
 * request: every burst of connects cut the window, which then grew back by one per 50 ms round
 * trip, and 1,000 instances took 5-6 s instead of ~1 s (bench/README.md).
 */
export function createRetryingConnector(options: ConnectorOptions): Connect {
  const minRetryMs = options.minRetryMs ?? 2;
  const open = socketOpener(options.origin);
  let usualMs: number | undefined;
  // How long the provider's listen queue stayed full lately: the wait a connect got through on
  // after retries, halved by each connect that gets through at once. A new connect waits at
  // least half of it before its first retry: a queue that drains one connection per 50 ms
  // (a single-threaded provider with 50 ms answers) is not worth a SYN every 2, 4, 8 ms.
  let fullMs = 0;
  const pacer = options.pacer ?? new ConnectPacer();

  return (done) => {
    let over = false;
    let begun = false;
    let abandon: (() => void) | undefined;
    const withdraw = pacer.enter(() => {
      begun = true;
      abandon = begin((err, socket) => {
        // The pool counts the connection as held first, so the pacer sees it when it wakes.
        done(err, socket);
        pacer.leave();
      });
    });
    return () => {
      if (over) return;
      over = true;
      if (!begun) withdraw();
      else abandon?.();
    };
  };

  function begin(done: (err: Error | null, socket: Socket | null) => void): () => void {
    const deadline = performance.now() + options.timeoutMs;
    let wait =
      usualMs === undefined
        ? FIRST_RETRY_MS
        : Math.max(minRetryMs, usualMs * RETRY_FACTOR, fullMs / 2);
    let current: Socket | undefined;
    let timer: NodeJS.Timeout | undefined;
    let over = false;
    let resend = (): boolean => false;
    const untrack = pacer.track(() => resend());
    const sentAt = performance.now();
    const attempt = (first: boolean): void => {
      const started = performance.now();
      let settled = false;
      // The last attempt gets whatever time is left as its connect timeout.
      const retry = started + wait < deadline - wait;
      const giveUp = (backOff: boolean): void => {
        if (settled || over) return;
        settled = true;
        socket.destroy();
        pacer.dropped(sentAt, performance.now());
        if (backOff) wait *= 2;
        attempt(false);
      };
      // Re-sent early when the provider makes room (ConnectPacer.released), once the connect
      // has taken as long as would have its timer retry it, were there no floor.
      let resent = false;
      resend = () => {
        if (settled || over || resent || !retry || usualMs === undefined) return false;
        if (performance.now() - started < usualMs * RETRY_FACTOR) return false;
        resent = true;
        clearTimeout(timer);
        setImmediate(giveUp, false);
        return true;
      };
      // Timers run before I/O in each turn of the event loop: after a busy stretch the timer
      // would fire ahead of a connect that has in fact completed. setImmediate runs after I/O.
      timer = setTimeout(
        () => (retry ? setImmediate(giveUp, true) : connectTimedOut()),
        retry ? wait : Math.max(0, deadline - started),
      );
      const connectTimedOut = (): void => {
        if (settled || over) return;
        settled = true;
        finish(
          new HttpError(
            'HTTP_CONNECT_TIMEOUT',
            `connect timed out after ${formatDuration(options.timeoutMs)}`,
          ),
          null,
        );
      };
      const socket = open((err) => {
        if (settled || over) return;
        settled = true;
        if (err === null && first) {
          const took = performance.now() - started;
          usualMs = usualMs === undefined ? took : usualMs + (took - usualMs) / 8;
          fullMs /= 2;
          pacer.completed();
        } else if (err === null) {
          fullMs = wait;
        }
        finish(err, err === null ? socket : null);
      });
      current = socket;
    };
    const finish = (err: Error | null, socket: Socket | null): void => {
      over = true;
      untrack();
      clearTimeout(timer);
      if (err !== null) current?.destroy();
      done(err, socket);
    };
    attempt(true);
    return () => {
      if (over) return;
      over = true;
      untrack();
      clearTimeout(timer);
      current?.destroy();
      pacer.leave();
    };
  }
}

/** Starts one TCP (or TLS) connect; `done` gets null once the socket can carry a request. */
function socketOpener(origin: URL): (done: (err: Error | null) => void) => Socket {
  // URL keeps IPv6 literals in brackets; sockets want them bare.
  const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
  const https = origin.protocol === 'https:';
  const port = Number(origin.port) || (https ? 443 : 80);
  return (done) => {
    // allowHalfOpen: the pool destroys a socket at its end of input anyway, so Node need not
    // shut down our side first (a syscall and a callback per request on closing providers).
    const socket = https
      ? tlsConnect(host, port)
      : netConnect({ host, port, noDelay: true, allowHalfOpen: true });
    const onError = (err: Error): void => {
      socket.off(https ? 'secureConnect' : 'connect', onConnect);
      done(err);
    };
    const onConnect = (): void => {
      socket.off('error', onError);
      done(null);
    };
    socket.once('error', onError);
    socket.once(https ? 'secureConnect' : 'connect', onConnect);
    return socket;
  };
}

let tls: typeof Tls | undefined;

function tlsConnect(host: string, port: number): Socket {
  // Loaded on first use: most providers are plain HTTP, and TLS costs ~10 ms of start-up.
  tls ??= createRequire(import.meta.url)('node:tls') as typeof Tls;
  const isIp = /^[\d.]+$|:/.test(host);
  const socket = tls.connect({
    host,
    port,
    ALPNProtocols: ['http/1.1'],
    ...(isIp ? {} : { servername: host }),
  });
  socket.setNoDelay(true);
  return socket;
}
