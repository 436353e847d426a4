import { ResidualError } from '@residual/backend';

/** A block or layer asked for something it cannot build: names the layer, value and accepted ones. */
export class LayerError extends ResidualError {}
