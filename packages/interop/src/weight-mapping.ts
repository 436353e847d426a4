import type * as tf from '@tensorflow/tfjs';
import { InteropError } from './interop-error.js';
import { TORCH_MODELS, torchLibraryOf } from './torch-models.js';
import { TORCH_PARAMETER_NAMES, torchModuleName } from './torch-names.js';
import { torchSegmentationModuleName } from './torch-segmentation-names.js';

/** One of our weights and the PyTorch tensor it corresponds to. */
export interface MappedWeight {
  key: string;
  variable: tf.LayerVariable;
  /** Our shape (tfjs: conv kernels HWIO, dense [in, out]). */
  shape: number[];
  /** PyTorch's shape of the same tensor (conv OIHW, linear [out, in]). */
  torchShape: number[];
  /** Axes that take a PyTorch tensor to our layout (undefined: same layout). */
  fromTorch?: number[];
  /** Axes that take our tensor to PyTorch's layout. */
  toTorch?: number[];
}

function parameterName(variable: tf.LayerVariable): string {
  const name = variable.originalName ?? variable.name;
  return name.slice(name.lastIndexOf('/') + 1);
}

/**
 * Maps every weight of `model` to its torchvision/timm state dict key and layout (for FCN and
 * DeepLabv3, torchvision's segmentation names), in the order of the model's layers. Refuses models without a PyTorch counterpart, naming them.
 */
export function mapWeights(model: tf.LayersModel, fileName: string): MappedWeight[] {
  if (torchLibraryOf(model.name) === undefined) {
    throw new InteropError(
      `${fileName}: model "${model.name}" has no torchvision or timm counterpart; PyTorch weights fit ${Object.keys(TORCH_MODELS).join(', ')}`,
    );
  }
  const avgDown = model.layers.some((layer) => layer.name.endsWith('_shortcut_pool'));
  const has = (name: string) => model.layers.some((layer) => layer.name === name);
  // torchvision's segmentation models: the ResNet under `backbone.`, heads under `classifier.`.
  const segmentationHead = has('aspp_project_conv')
    ? 'deeplabv3'
    : has('head_classifier_conv')
      ? 'fcn'
      : undefined;
  const weights: MappedWeight[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const module =
      segmentationHead === undefined
        ? torchModuleName(layer.name, avgDown)
        : torchSegmentationModuleName(layer.name, segmentationHead);
    if (module === undefined) {
      throw new InteropError(
        `${fileName}: layer "${layer.name}" of ${model.name} has no PyTorch counterpart (was the model built with non-default options?)`,
      );
    }
    for (const variable of layer.weights) {
      const parameter = TORCH_PARAMETER_NAMES[parameterName(variable)];
      if (parameter === undefined) {
        throw new InteropError(
          `${fileName}: weight "${variable.name}" of ${model.name} has no PyTorch counterpart`,
        );
      }
      const shape = [...variable.shape] as number[];
      const mapped: MappedWeight = {
        key: `${module}.${parameter}`,
        variable,
        shape,
        torchShape: shape,
      };
      if (shape.length === 4) {
        // HWIO ↔ OIHW
        mapped.torchShape = [shape[3]!, shape[2]!, shape[0]!, shape[1]!];
        mapped.toTorch = [3, 2, 0, 1];
        mapped.fromTorch = [2, 3, 1, 0];
      } else if (shape.length === 2) {
        mapped.torchShape = [shape[1]!, shape[0]!];
        mapped.toTorch = [1, 0];
        mapped.fromTorch = [1, 0];
      }
      weights.push(mapped);
    }
  }
  return weights;
}
