import { ResidualError } from '@residual/backend';

/**
 * Input a metric cannot use: labels and scores of different lengths, a label outside the
 * classes, an option out of range. The message names the value and what is accepted.
 */
export class MetricsError extends ResidualError {}
