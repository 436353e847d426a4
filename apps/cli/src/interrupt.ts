/**
 * The first Ctrl-C asks training to stop after the current step (it writes a checkpoint); a
 * second one quits at once, which is safe because checkpoints are written atomically.
 */
export function interruptOnSigint(terminal: { err(text: string): void }) {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    terminal.err(
      '\ninterrupted: finishing the current step and writing a checkpoint (Ctrl-C again to quit now)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
