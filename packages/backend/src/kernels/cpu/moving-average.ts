import { movingAverageUpdate } from '../shared/moving-average.js';
import { cpuElementwiseUpdateKernel } from './elementwise-update.js';

/** One moving-average update on `cpu`, in place of the composition's 3 kernels. */
export const cpuMovingAverageUpdateKernel = cpuElementwiseUpdateKernel(movingAverageUpdate);
