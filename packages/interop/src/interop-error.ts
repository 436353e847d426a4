import { ResidualError } from '@residual/backend';

/**
 * A weights file that cannot be read or does not fit the model: the message names the file
 * and what is wrong with it, in one line.
 */
export class InteropError extends ResidualError {}
