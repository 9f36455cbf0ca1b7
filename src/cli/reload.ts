/**
 * Calls `reload` on every SIGHUP, one reload at a time (a SIGHUP during one queues the next).
 * Returns the function that stops listening.
 */
export function listenForReload(reload: () => Promise<void>): () => void {
  let chain = Promise.resolve();
  const onSignal = (): void => {
    chain = chain.then(reload, reload);
  };
  process.on('SIGHUP', onSignal);
  return () => {
    process.off('SIGHUP', onSignal);
  };
}
