import { sgdMomentumUpdate } from '../shared/sgd-momentum.js';
import { wasmElementwiseUpdateKernel } from './elementwise-update.js';

/** One SGD-momentum update on `wasm`, in place of the composition's 4–6 kernels. */
export const wasmSgdMomentumUpdateKernel = wasmElementwiseUpdateKernel(sgdMomentumUpdate);
