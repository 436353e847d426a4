/**
 * The base class of every error that a user can fix: bad input, unknown names, unreadable
 * files. Programs (the CLI above all) print such errors as one line without a stack trace;
 * any other error is a bug and keeps its stack.
 */
export class ResidualError extends Error {
  /** Marks the error as the user's to fix, also across duplicated module copies. */
  readonly isResidualError = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True when `error` is a {@link ResidualError} (from any copy of this package). */
export function isResidualError(error: unknown): error is ResidualError {
  return (
    error instanceof ResidualError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { isResidualError?: unknown }).isResidualError === true)
  );
}

/** A backend was asked for that is unknown or cannot start in this environment. */
export class BackendError extends ResidualError {}
