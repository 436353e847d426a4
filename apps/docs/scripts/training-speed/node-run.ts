// One Node measurement, run by scripts/training-speed/main.ts in a child process (so that
// RESIDUAL_NATIVE, read once when @residual/backend loads the addon, is this run's own).
import { initBackend, nativeKernelStatus } from '@residual/backend';
import { measureTraining } from './measure.js';

await initBackend({ backend: 'wasm' });
const native = await nativeKernelStatus();
const speed = await measureTraining();
console.log(JSON.stringify({ ...speed, native: native.available ? native : false }));
