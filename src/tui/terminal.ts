import type { OutStream } from './io.ts';
import { decodeKeys, type Key } from './keys.ts';
import type { Size } from './layout.ts';

// Alternate screen, hidden cursor, no auto-wrap (a line one column too long must not scroll the screen).
const ENTER = '\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[H\x1b[2J';
// The reverse, in the reverse order; also resets colours in case a frame was cut mid-style.
const LEAVE = '\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l';

/** A stdout that may tell us when the window is resized (a TTY does). */
export interface ScreenStream extends OutStream {
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/**
 * Owns the terminal while the live view runs: alternate screen, hidden cursor, raw keys.
 * `close` gives everything back and is safe to call twice; it also runs on process exit
 * and before an uncaught error is printed, so the shell is never left in the alternate screen.
 */
export class Terminal {
  readonly #stdout: ScreenStream;
  readonly #stdin: NodeJS.ReadStream;
  readonly #stderr: OutStream;
  readonly #cleanups: (() => void)[] = [];
  #open = false;

  constructor(stdout: ScreenStream, stdin: NodeJS.ReadStream, stderr: OutStream) {
    this.#stdout = stdout;
    this.#stdin = stdin;
    this.#stderr = stderr;
  }

  /** Takes the terminal over. */
  open(): void {
    if (this.#open) return;
    this.#open = true;
    const onExit = () => this.close();
    // Last resort: an error nobody caught must not leave the screen unusable or be printed
    // on the alternate screen, where it would vanish.
    const onFatal = (err: unknown) => {
      this.close();
      const text = err instanceof Error ? err.message : String(err);
      this.#stderr.write(`fleetmon: internal error: ${text}\nfleetmon: please report it\n`);
      process.exit(70);
    };
    process.on('exit', onExit);
    process.on('uncaughtException', onFatal);
    this.#cleanups.push(() => {
      process.off('exit', onExit);
      process.off('uncaughtException', onFatal);
    });
    if (this.#stdin.isTTY === true) {
      this.#stdin.setRawMode(true);
      this.#stdin.resume();
      this.#cleanups.push(() => {
        this.#stdin.setRawMode(false);
        this.#stdin.pause();
      });
    }
    this.#stdout.write(ENTER);
  }

  /** Current size; 80×24 when the stream does not say. */
  size(): Size {
    return { columns: this.#stdout.columns ?? 80, rows: this.#stdout.rows ?? 24 };
  }

  write(text: string): void {
    this.#stdout.write(text);
  }

  /** Calls `listener` with the keys of each chunk typed (nothing when stdin is not a terminal). */
  onKeys(listener: (keys: Key[]) => void): void {
    if (this.#stdin.isTTY !== true) return;
    const onData = (data: Buffer | string) => listener(decodeKeys(data.toString()));
    this.#stdin.on('data', onData);
    this.#cleanups.push(() => this.#stdin.off('data', onData));
  }

  onResize(listener: () => void): void {
    const stdout = this.#stdout;
    if (stdout.on === undefined) return;
    stdout.on('resize', listener);
    this.#cleanups.push(() => stdout.off?.('resize', listener));
  }

  /** Gives the terminal back: main screen, cursor, cooked mode. Idempotent. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    for (const cleanup of this.#cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch {
        // Restoring the screen below matters more than a listener that failed to detach.
      }
    }
    this.#stdout.write(LEAVE);
  }
}
