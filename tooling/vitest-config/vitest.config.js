import { residualVitestConfig } from './index.js';

export default residualVitestConfig();
