import type * as tf from '@tensorflow/tfjs';
import { SEGMENTATION_LOSSES, type SegmentationLossName } from './segmentation-loss.js';
import type { SegmentationTrainingData } from './segmentation-training-data.js';
import { TrainOptionsError } from './train-options-error.js';

/**
 * Checks that `model` can be trained on `data` as a segmentation model: one image input of the
 * data's size (a dimension left open fits any size), one output of per-pixel logits
 * [batch, height, width, classes] or two (main and auxiliary head), each no larger than the
 * masks (a smaller one is upsampled to them).
 * @throws TrainOptionsError naming what does not fit, in one line.
 */
export function checkSegmentationModel(
  model: tf.LayersModel,
  data: SegmentationTrainingData,
): void {
  if (!(data.train?.masks instanceof Uint8Array)) {
    throw new TrainOptionsError(
      'data.train has no masks (a classification data set); train it with train, or give a segmentation data set (loadSegmentationDataset).',
    );
  }
  const [height, width, channels] = data.train.imageShape;
  if (model.inputs.length !== 1) {
    throw new TrainOptionsError(
      `${model.name} takes ${model.inputs.length} inputs; a segmentation model takes one batch of images.`,
    );
  }
  const input = model.inputs[0].shape.slice(1);
  if (
    input.length !== 3 ||
    input.some((size, i) => size !== null && size !== [height, width, channels][i])
  ) {
    throw new TrainOptionsError(
      `The model takes ${input.map((size) => size ?? '?').join('×')} images, the data has ${height}×${width}×${channels}; build the model with inputShape [${height}, ${width}, ${channels}].`,
    );
  }
  if (model.outputs.length > 2) {
    throw new TrainOptionsError(
      `${model.name} has ${model.outputs.length} outputs; a segmentation model has one (per-pixel logits) or two (main and auxiliary head).`,
    );
  }
  const shapes = outputShapes(model, [height, width, channels]);
  shapes.forEach((shape, i) => {
    const which =
      model.outputs.length === 1
        ? 'The model'
        : `The model's ${i === 0 ? 'main' : 'auxiliary'} output`;
    if (shape.length !== 4) {
      throw new TrainOptionsError(
        `${which} outputs shape [${shape.map((size) => size ?? 'batch')}], not per-pixel logits [batch, height, width, ${data.numClasses}]: it is not a segmentation model (build a U-Net, FPN, FCN or DeepLabv3).`,
      );
    }
    if (shape[3] !== data.numClasses) {
      throw new TrainOptionsError(
        `${which} outputs ${shape[3]} classes per pixel, but the data has ${data.numClasses}; build the model with numClasses ${data.numClasses}.`,
      );
    }
    const [h, w] = shape.slice(1, 3);
    if ((h !== null && h > height) || (w !== null && w > width)) {
      throw new TrainOptionsError(
        `${which} outputs ${h}×${w} logits for ${height}×${width} masks; an output can be upsampled to its masks, not shrunk to them.`,
      );
    }
  });
}

/** The output shapes at the data's image size, resolving dimensions the model leaves open. */
function outputShapes(model: tf.LayersModel, image: [number, number, number]): (number | null)[][] {
  const declared = model.outputs.map((output) => output.shape);
  if (declared.every((shape) => shape.slice(1).every((size) => size !== null))) return declared;
  try {
    const shape = model.computeOutputShape([null, ...image]);
    return (Array.isArray(shape[0]) ? shape : [shape]) as (number | null)[][];
  } catch {
    return declared;
  }
}

/**
 * Checks the loss options against the data.
 * @throws TrainOptionsError naming the option, the value and what is accepted.
 */
export function checkSegmentationLoss(
  options: { loss?: string; classWeights?: readonly number[]; auxWeight?: number },
  numClasses: number,
): void {
  if (
    options.loss !== undefined &&
    !SEGMENTATION_LOSSES.includes(options.loss as SegmentationLossName)
  ) {
    throw new TrainOptionsError(
      `Unknown loss "${options.loss}". Known: ${SEGMENTATION_LOSSES.join(', ')}.`,
    );
  }
  const weights = options.classWeights;
  if (weights !== undefined) {
    if (weights.length !== numClasses) {
      throw new TrainOptionsError(
        `classWeights has ${weights.length} weights for ${numClasses} classes; give one per class.`,
      );
    }
    const bad = weights.findIndex((weight) => !(weight >= 0) || !Number.isFinite(weight));
    if (bad >= 0 || weights.every((weight) => weight === 0)) {
      throw new TrainOptionsError(
        `classWeights must be finite, non-negative and not all 0, got ${bad >= 0 ? `${weights[bad]} for class ${bad}` : 'all 0'}.`,
      );
    }
  }
  const aux = options.auxWeight;
  if (aux !== undefined && (!(aux >= 0) || !Number.isFinite(aux))) {
    throw new TrainOptionsError(`auxWeight must be a non-negative number, got ${aux}.`);
  }
}
