import type * as tf from '@tensorflow/tfjs';
import { ModelError } from './model-error.js';

/**
 * Where fine-tuning may stop freezing: the stem, the end of a stage, or everything but the
 * classifier. Every registry model names its layers `stem…`, `stage<k>_block<j>_…`, `logits`.
 * For a segmentation model 'all-but-head' freezes the encoder (stem and stages) and leaves the
 * whole decoder or head trainable.
 */
export const FREEZE_POINTS = [
  'stem',
  'stage1',
  'stage2',
  'stage3',
  'stage4',
  'all-but-head',
] as const;
export type FreezePoint = (typeof FREEZE_POINTS)[number];

/** The layers a segmentation model adds to its encoder (FCN, DeepLabv3, U-Net, FPN). */
const SEGMENTATION_HEAD = /^(head_|aux_|aspp_|decoder\d+_|fpn_|seg\d+_)/;

/**
 * Marks the layers of `model` up to and including `upTo` non-trainable, as torchvision
 * fine-tuning sets `requires_grad = False` on them: their weights leave `trainableWeights`, and
 * their batch norms run in inference mode (moving statistics, which stay as they are), as in
 * Keras. Returns the names of the layers frozen.
 * @throws ModelError for a freeze point the model does not have (e.g. `stage4` of a CIFAR net).
 */
export function freezeLayers(model: tf.LayersModel, upTo: FreezePoint): string[] {
  if (!FREEZE_POINTS.includes(upTo)) {
    throw new ModelError(`freeze: unknown point "${upTo}". Accepted: ${FREEZE_POINTS.join(', ')}.`);
  }
  const names = model.layers.map((layer) => layer.name);
  let frozen: (name: string) => boolean;
  if (upTo === 'all-but-head' && names.some((name) => SEGMENTATION_HEAD.test(name))) {
    frozen = (name) => name.startsWith('stem') || /^stage\d+_/.test(name);
  } else if (upTo === 'all-but-head') {
    if (!names.includes('logits')) {
      throw new ModelError(`freeze: ${model.name} has no classifier (a layer named "logits").`);
    }
    frozen = (name) => name !== 'logits' && name !== 'logits_bias';
  } else {
    const stages = upTo === 'stem' ? 0 : Number(upTo.slice('stage'.length));
    const prefixes = ['stem', ...Array.from({ length: stages }, (_, i) => `stage${i + 1}_`)];
    const present = prefixes.filter((prefix) => names.some((name) => name.startsWith(prefix)));
    if (present.length < prefixes.length) {
      const count = new Set(names.filter((n) => /^stage\d+_/.test(n)).map((n) => n.split('_')[0]))
        .size;
      throw new ModelError(
        `freeze: ${model.name} has ${count} stages; "${upTo}" is not one of its points (${['stem', ...Array.from({ length: count }, (_, i) => `stage${i + 1}`), 'all-but-head'].join(', ')}).`,
      );
    }
    frozen = (name) => prefixes.some((prefix) => name.startsWith(prefix));
  }
  const layers = model.layers.filter((layer) => frozen(layer.name) && layer.weights.length > 0);
  for (const layer of layers) layer.trainable = false;
  return layers.map((layer) => layer.name);
}
