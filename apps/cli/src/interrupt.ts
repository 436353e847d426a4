import type { CheckpointOptions, OpenedRun } from '@residual/train';

type ErrorStream = { err(text: string): void };

/**
 * The first Ctrl-C asks training to stop after the current step (it writes a checkpoint); a
 * second one quits at once, which is safe because checkpoints are written atomically.
 */
export function interruptOnSigint(terminal: ErrorStream) {
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

/** What every kind of `residual train` hands its trainer to checkpoint, resume and stop. */
export interface RunControls {
  signal: AbortSignal;
  checkpoints: CheckpointOptions;
  resume: string | undefined;
}

/**
 * Runs a trainer with the run directory's checkpoints, its resume point and Ctrl-C as the
 * stop signal (released when the trainer returns or throws).
 */
export async function trainUntilDoneOrInterrupted<T>(
  terminal: ErrorStream,
  run: OpenedRun,
  values: { 'checkpoint-every': number; 'keep-checkpoints': number },
  trainer: (controls: RunControls) => Promise<T>,
): Promise<T> {
  const interrupt = interruptOnSigint(terminal);
  try {
    return await trainer({
      signal: interrupt.signal,
      checkpoints: {
        dir: run.checkpoints,
        every: values['checkpoint-every'],
        keep: values['keep-checkpoints'],
      },
      resume: run.resumeFrom,
    });
  } finally {
    interrupt.dispose();
  }
}

/** Says where a run stopped by Ctrl-C left its checkpoint and how to go on; the exit code. */
export function stoppedByInterrupt(
  terminal: ErrorStream,
  result: { steps: number; checkpoint?: string },
  out: string,
): number {
  terminal.err(
    `stopped after step ${result.steps}; checkpoint ${result.checkpoint}. Continue with: residual train --resume ${out}\n`,
  );
  return 130;
}
