import { ResidualError } from '@residual/backend';

/**
 * A data set file or folder that cannot be used: wrong magic number, truncated, counts that
 * disagree, labels out of range. The message names the file and what is wrong with it.
 */
export class DatasetError extends ResidualError {}
