import { residualTsupConfig } from '@residual/tsup-config';

export default residualTsupConfig({
  entry: [
    'src/dilated-conv.ts',
    'src/main.ts',
    'src/matmul.ts',
    'src/quickstart.ts',
    'src/step-heap.ts',
  ],
  dts: false,
});
