import { residualTsupConfig } from '@residual/tsup-config';

export default residualTsupConfig({
  entry: ['src/index.ts', 'src/testing/index.ts'],
});
