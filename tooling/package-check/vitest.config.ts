import { residualVitestConfig } from '@residual/vitest-config';

export default residualVitestConfig({ test: { testTimeout: 300_000, hookTimeout: 300_000 } });
