/**
 * Names a point where a training process pauses, for tests of crash safety: with
 * `RESIDUAL_TRAIN_TEST_PAUSE=checkpoint:6:weights.bin` the process stops right after writing
 * that file, says so on stderr, and waits there, so a test can SIGKILL it at exactly that point
 * instead of guessing with timers. Unset (always, outside tests), the hooks cost one comparison.
 */
export const TEST_PAUSE_VARIABLE = 'RESIDUAL_TRAIN_TEST_PAUSE';

/**
 * Pauses at `point` when the test variable names it: forever, or until `signal` aborts (so a
 * SIGINT that aborts the run releases it and the run finishes its step).
 */
export async function testPausePoint(point: string, signal?: AbortSignal): Promise<void> {
  const processLike = (globalThis as { process?: NodeJS.Process }).process;
  if (processLike?.env?.[TEST_PAUSE_VARIABLE] !== point) return;
  processLike.stderr.write(`residual-test: paused at ${point}\n`);
  if (signal?.aborted) return;
  await new Promise<void>((resolve) => {
    // A pending timer keeps the event loop (and so the process) alive while paused.
    const keepAlive = setInterval(() => {}, 60_000);
    signal?.addEventListener(
      'abort',
      () => {
        clearInterval(keepAlive);
        resolve();
      },
      { once: true },
    );
  });
}
