import { adamwUpdate } from '../shared/adamw.js';
import { cpuElementwiseUpdateKernel } from './elementwise-update.js';

/** One AdamW update on `cpu`, in place of the composition's 11–12 kernels. */
export const cpuAdamWUpdateKernel = cpuElementwiseUpdateKernel(adamwUpdate);
