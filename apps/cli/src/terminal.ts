/** Where a command writes: the real process streams, or a recorder in tests. */
export interface Terminal {
  /** Results: tables, JSON. */
  out(text: string): void;
  /** Progress and diagnostics. */
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress bars redraw in place). */
  readonly interactive: boolean;
  readonly columns: number;
}

export function processTerminal(): Terminal {
  // `residual models | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
    columns: process.stderr.columns ?? 80,
  };
}
