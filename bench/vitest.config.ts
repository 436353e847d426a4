import { residualVitestConfig } from '@residual/vitest-config';

export default residualVitestConfig();
