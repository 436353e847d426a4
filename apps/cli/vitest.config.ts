import { residualVitestConfig } from '@residual/vitest-config';

export default residualVitestConfig({ test: { testTimeout: 180_000 } });
