import { ResidualError } from '@residual/backend';

/** A command line that cannot be run: unknown command or option, or a bad value. Exit status 2. */
export class UsageError extends ResidualError {}
