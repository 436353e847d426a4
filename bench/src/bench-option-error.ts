import { ResidualError } from '@residual/backend';

/** A `pnpm bench` option (or its environment variable) with a value the benchmark cannot use. */
export class BenchOptionError extends ResidualError {}
