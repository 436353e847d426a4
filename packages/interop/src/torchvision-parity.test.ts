// Weights from the real torchvision (random weights and batch-norm statistics, made by
// python/torch_reference.py) imported into our registry models give torchvision's logits, at
// 224×224 and at the odd sizes where padding and rounding differ. See torch-peer.ts for the
// Python peer (skipped with a printed reason where it is missing, required under CI).
import { describeLogitsParity } from './logits-parity-suite.js';

describeLogitsParity({
  library: 'torchvision',
  models: ['resnet18', 'resnet50'],
  safetensorsTitle: '.safetensors',
});
