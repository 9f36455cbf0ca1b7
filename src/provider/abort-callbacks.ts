/**
 * Callbacks run when a signal aborts, behind one listener per signal. A scan hands one signal
 * to every request; an `addEventListener`/`removeEventListener` pair per request (and per
 * request waiting for a slot) cost ~2-3 µs each at 100k requests, and more while cold.
 */
const groups = new WeakMap<AbortSignal, Set<() => void>>();

/** Runs `callback` once if `signal` aborts, unless removed first. */
export function addAbortCallback(signal: AbortSignal, callback: () => void): void {
  let group = groups.get(signal);
  if (group === undefined) {
    const members = new Set<() => void>();
    group = members;
    groups.set(signal, members);
    signal.addEventListener(
      'abort',
      () => {
        const due = [...members];
        members.clear();
        for (const run of due) run();
      },
      { once: true },
    );
  }
  group.add(callback);
}

/** Forgets `callback`; harmless when it already ran or was never added. */
export function removeAbortCallback(signal: AbortSignal, callback: () => void): void {
  groups.get(signal)?.delete(callback);
}
