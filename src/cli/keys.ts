import type { Io } from '../tui/io.ts';

/**
 * Calls `onQuit` when the user presses q or Ctrl-C on a terminal (raw mode
 * swallows the SIGINT that Ctrl-C would send). Returns the function that gives
 * the terminal back; a no-op when stdin is not a terminal.
 */
export function listenForQuit(io: Io, onQuit: () => void): () => void {
  const { stdin } = io;
  if (stdin.isTTY !== true) return () => {};
  const onData = (data: Buffer) => {
    const key = data.toString('utf8');
    if (key === 'q' || key === 'Q' || key === '\x03') onQuit();
  };
  stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    stdin.setRawMode(false);
    stdin.pause();
  };
}
