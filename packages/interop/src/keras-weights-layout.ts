import { childGroup, type Hdf5Group, readFloatDataset, stringList } from './hdf5-file.js';
import { InteropError } from './interop-error.js';
import type { SourceTensor, StateDict } from './source-tensor.js';

/** Where a file is and how big, for its errors and size checks. */
export interface KerasFileContext {
  fileName: string;
  fileBytes: number;
}

/**
 * Keras 2's layout (`model.save('x.h5')` puts it under `model_weights`, `save_weights` and
 * keras.io's pretrained files at the root): an attribute `layer_names`, one group per layer
 * with an attribute `weight_names`, and each weight at `<layer>/<weight name>`, e.g.
 * `conv1_conv/conv1_conv/kernel:0`. Keys drop the `:0` that TensorFlow 1 names carry.
 */
export function readLegacyLayout(base: Hdf5Group, context: KerasFileContext): StateDict {
  const { fileName } = context;
  const layerNames = chunkedAttribute(base, 'layer_names');
  if (layerNames === undefined) {
    throw new InteropError(`${fileName}: ${base.name} has no readable layer_names attribute.`);
  }
  const weights: StateDict = new Map();
  for (const layerName of layerNames) {
    const layer = childGroup(base, layerName);
    if (layer === undefined) {
      throw new InteropError(`${fileName}: layer_names lists ${layerName}, but it has no group.`);
    }
    const weightNames = chunkedAttribute(layer, 'weight_names') ?? [];
    for (const weightName of weightNames) {
      const tensor = readFloatDataset(layer, weightName, fileName, context.fileBytes);
      const short = weightName.replace(/:\d+$/, '').split('/').pop() as string;
      const key = weights.has(`${layerName}/${short}`)
        ? `${layerName}/${weightName.replace(/:\d+$/, '')}`
        : `${layerName}/${short}`;
      add(weights, key, tensor, fileName);
    }
  }
  return weights;
}

/**
 * Keras 3's layout (`.weights.h5`, and `model.weights.h5` inside a `.keras` archive):
 * `layers/<group>/vars/<index>`, the group named after the layer (Keras 3.0) or after its class
 * (`conv2d_3`, later versions, which keep the layer's name in the `vars` group's `name`
 * attribute); nested layers under `layers/<group>/layers/…`. Variables are numbered, not
 * named: the names are those of the standard layers that hold them, told apart by rank.
 */
export function readKeras3Layout(root: Hdf5Group, context: KerasFileContext): StateDict {
  const weights: StateDict = new Map();
  const layers = childGroup(root, 'layers');
  if (layers !== undefined) readKeras3Layers(layers, weights, context);
  return weights;
}

function readKeras3Layers(layers: Hdf5Group, weights: StateDict, context: KerasFileContext) {
  for (const groupName of layers.keys) {
    const layer = childGroup(layers, groupName);
    if (layer === undefined) continue;
    const vars = childGroup(layer, 'vars');
    if (vars !== undefined && vars.keys.length > 0) {
      const name = typeof vars.attrs.name === 'string' ? vars.attrs.name : groupName;
      const indices = vars.keys.filter((k) => /^\d+$/.test(k)).sort((a, b) => +a - +b);
      const tensors = indices.map((i) =>
        readFloatDataset(vars, i, context.fileName, context.fileBytes),
      );
      const names = variableNames(tensors);
      tensors.forEach((tensor, i) => {
        add(weights, `${name}/${names[i]}`, tensor, context.fileName);
      });
    }
    const nested = childGroup(layer, 'layers');
    if (nested !== undefined) readKeras3Layers(nested, weights, context);
  }
}

/** Kernel and bias (Conv2D, Dense), the four of BatchNormalization, else the index. */
function variableNames(tensors: SourceTensor[]): string[] {
  const ranks = tensors.map((t) => t.shape.length);
  if (ranks.length <= 2 && ranks[0] >= 2 && (ranks.length === 1 || ranks[1] === 1)) {
    return ['kernel', 'bias'].slice(0, ranks.length);
  }
  if (ranks.length === 4 && ranks.every((r) => r === 1)) {
    return ['gamma', 'beta', 'moving_mean', 'moving_variance'];
  }
  return tensors.map((_, i) => String(i));
}

/**
 * A string-list attribute; h5py caps attributes at 64 KiB, so Keras splits long ones into
 * `<name>0`, `<name>1`, …
 */
function chunkedAttribute(group: Hdf5Group, name: string): string[] | undefined {
  const attrs = group.attrs;
  if (name in attrs) return stringList(attrs[name]);
  const chunks: string[] = [];
  for (let i = 0; `${name}${i}` in attrs; i++) {
    const chunk = stringList(attrs[`${name}${i}`]);
    if (chunk === undefined) return undefined;
    chunks.push(...chunk);
  }
  return `${name}0` in attrs ? chunks : undefined;
}

function add(weights: StateDict, key: string, tensor: SourceTensor, fileName: string): void {
  if (weights.has(key)) throw new InteropError(`${fileName}: two weights are named ${key}.`);
  weights.set(key, tensor);
}
