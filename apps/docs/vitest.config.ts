import { residualVitestConfig } from '@residual/vitest-config';

// The browser tests train two small networks in Chromium: minutes on a busy 2-core machine.
export default residualVitestConfig({ test: { testTimeout: 600_000, hookTimeout: 120_000 } });
