import { movingAverageUpdate } from '../shared/moving-average.js';
import { wasmElementwiseUpdateKernel } from './elementwise-update.js';

/** One moving-average update on `wasm`, in place of the composition's 3 kernels. */
export const wasmMovingAverageUpdateKernel = wasmElementwiseUpdateKernel(movingAverageUpdate);
