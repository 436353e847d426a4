import { residualTsupConfig } from '@residual/tsup-config';

export default residualTsupConfig({
  entry: ['src/bin.ts', 'src/index.ts'],
  // bin.ts and index.ts share the command definitions.
  splitting: true,
});
