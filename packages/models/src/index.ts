// Registration order is listing order: the paper's CIFAR nets, then torchvision/timm, then
// Keras, then the segmentation networks (on the ResNets above), then the GPT language models.
import './cifar-models.js';
import './resnet-models.js';
import './resnet-v2-models.js';
import './segmentation-models.js';
import './gpt-models.js';

export { type CifarResNetOptions, type CifarResNetSpec, cifarResNet } from './cifar-resnet.js';
export {
  countMacs,
  type LayerCall,
  layerCalls,
  layerMacs,
  layerOutputShapes,
} from './count-macs.js';
export { countParameters, type ParameterCount } from './count-parameters.js';
export { type FoldReport, foldBatchNorm } from './fold-batch-norm.js';
export { FREEZE_POINTS, type FreezePoint, freezeLayers } from './freeze-layers.js';
export {
  GPT_OPTION_NAMES,
  type GptOptions,
  type GptSpec,
  gpt,
  gptParameterCount,
} from './gpt.js';
export { ModelError } from './model-error.js';
export {
  type CommonModelOptions,
  type HeadOptions,
  type ModelOptions,
  type NetworkOptions,
  POOLINGS,
  type Pooling,
  type ResidualOptions,
  SHORTCUT_OPTIONS,
  type ShortcutOption,
} from './model-options.js';
export { type LayerSummary, type ModelSummary, summarizeModel } from './model-summary.js';
export {
  createModel,
  getModelEntry,
  listModels,
  type ModelEntry,
  type ModelReference,
  type ModelTask,
  registerModel,
} from './registry.js';
export { replaceClassifier } from './replace-classifier.js';
export { type ResNetOptions, type ResNetSpec, resNet } from './resnet.js';
export { type ResNetV2Options, type ResNetV2Spec, resNetV2 } from './resnet-v2.js';
export {
  createSegmentationModel,
  SEGMENTATION_HEADS,
  SEGMENTATION_NUM_CLASSES,
  type SegmentationHead,
  type SegmentationOptions,
  segmentationEncoders,
} from './segmentation.js';
