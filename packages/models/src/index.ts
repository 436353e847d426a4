import './cifar-models.js';

export {
  CIFAR_SHORTCUTS,
  type CifarResNetOptions,
  type CifarResNetSpec,
  type CifarShortcut,
  cifarResNet,
} from './cifar-resnet.js';
export { countParameters, type ParameterCount } from './count-parameters.js';
export { ModelError } from './model-error.js';
export type { CommonModelOptions } from './model-options.js';
export {
  createModel,
  getModelEntry,
  listModels,
  type ModelEntry,
  type ModelReference,
  registerModel,
} from './registry.js';
