import { residualTsupConfig } from '@residual/tsup-config';

export default residualTsupConfig();
