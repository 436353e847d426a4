import { ResidualError } from '@residual/backend';

/** Options a user can get wrong; reported as one line by the CLI. */
export class TrainOptionsError extends ResidualError {}
