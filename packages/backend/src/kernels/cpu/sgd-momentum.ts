import { sgdMomentumUpdate } from '../shared/sgd-momentum.js';
import { cpuElementwiseUpdateKernel } from './elementwise-update.js';

/** One SGD-momentum update on `cpu`, in place of the composition's 4–6 kernels. */
export const cpuSgdMomentumUpdateKernel = cpuElementwiseUpdateKernel(sgdMomentumUpdate);
