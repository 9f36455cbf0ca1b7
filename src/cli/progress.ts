import type { ScanProgress } from '../scan/scan.ts';
import type { Clock } from '../time/clock.ts';
import type { OutStream } from '../tui/io.ts';

/** A progress bar on stderr that appears only when a scan is slow enough to need one. */
export interface ProgressBar {
  update(progress: ScanProgress): void;
  /** Erases the bar; call before writing results. */
  clear(): void;
}

const SHOW_AFTER_MS = 300;
const BAR_WIDTH = 24;

/** A bar on a terminal; nothing at all in a pipe, so logs stay clean. */
export function createProgressBar(stream: OutStream, clock: Clock): ProgressBar {
  if (stream.isTTY !== true) return { update() {}, clear() {} };
  const startedAt = clock.now();
  let shown = false;
  return {
    update({ done, total, failed }) {
      if (!shown && clock.now() - startedAt < SHOW_AFTER_MS) return;
      shown = true;
      const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
      const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
      const failures = failed > 0 ? `, ${failed} unreachable` : '';
      stream.write(`\r\x1b[Kscanning ${bar} ${done}/${total}${failures}`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
