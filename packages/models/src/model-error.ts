import { ResidualError } from '@residual/backend';

/** An unknown model name or an option value the model cannot take. */
export class ModelError extends ResidualError {}
