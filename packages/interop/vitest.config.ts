import { residualVitestConfig } from '@residual/vitest-config';

// The parity tests build ImageNet-sized networks and run PyTorch, Keras and ONNX Runtime beside
// them: minutes on a busy 2-core machine, never a hang.
export default residualVitestConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000 } });
