import type * as tf from '@tensorflow/tfjs';
import type { LayerGraph } from './layer-graph.js';
import type { Segments } from './recompute.js';

/**
 * Bytes one training step holds at its peak, as a linear model of the batch size:
 * `fixed + perImage · batch`. Sizes are float32 (4 bytes).
 *
 * - `fixed`: the weights, their momentum and their gradients (3 × parameters).
 * - `perImage` without recomputation: every layer's output, ×{@link ACTIVATION_FACTOR} —
 *   what each op's gradient needs (inputs and outputs) is kept until that op's gradient has
 *   run, and the gradient of each activation until it has been passed back (the lean backward
 *   pass of `@residual/backend`; tfjs alone kept both until the step ended, twice as much).
 * - with recomputation: the segments' boundary tensors, kept through the step, the gradient
 *   arriving at and leaving the segment being recomputed (the others are freed as the
 *   backward pass goes), and that segment's activations ×{@link ACTIVATION_FACTOR}.
 *
 * Measured on the wasm backend as the heap after two steps without recomputation over the sum
 * of the layers' outputs (`node bench/dist/step-heap.js`; heap growth comes in chunks, so an
 * upper bound): 0.76–0.78 for cifar_resnet56/110 at batch 64–128, with ReLU keeping its output
 * and the layers run one by one (`planForward`). The factor is rounded up well past that: with
 * recomputation the same estimate comes within 10 % of the measured heap (0.19 against 0.17 GiB
 * for cifar_resnet110 in blocks at batch 64), and the allocator needs room to place what it
 * frees.
 */
export interface StepMemory {
  fixed: number;
  perImage: number;
}

/** Peak bytes of a step per byte of layer outputs, measured on wasm (see {@link StepMemory}). */
export const ACTIVATION_FACTOR = 1.3;

const FLOAT_BYTES = 4;

export function stepMemory(
  model: tf.LayersModel,
  graph: LayerGraph | undefined,
  segments?: Segments,
): StepMemory {
  const fixed = 3 * parameterCount(model) * FLOAT_BYTES;
  const input = sizeOf(model.inputs[0].shape.slice(1));
  if (graph === undefined) {
    // A model we cannot walk: its layers' outputs, whatever the graph.
    const outputs = model.layers.reduce(
      (sum, layer) => sum + sizeOf((layer.outputShape as (number | null)[]).slice(1)),
      0,
    );
    return { fixed, perImage: (input + ACTIVATION_FACTOR * outputs) * FLOAT_BYTES };
  }
  if (segments === undefined || segments.length <= 1) {
    const outputs = graph.steps.reduce((sum, step) => sum + step.outputElements, 0);
    return { fixed, perImage: (input + ACTIVATION_FACTOR * outputs) * FLOAT_BYTES };
  }
  let boundaries = 0;
  let largestBoundary = input;
  let largestSegment = 0;
  for (const [from, to] of segments) {
    let inside = 0;
    for (let i = from; i <= to; i++) inside += graph.steps[i].outputElements;
    largestSegment = Math.max(largestSegment, inside);
    const boundary = graph.steps[to].outputElements;
    boundaries += boundary;
    largestBoundary = Math.max(largestBoundary, boundary);
  }
  // The boundaries and two gradients at a boundary (the one arriving, the one leaving).
  const kept = input + boundaries + 2 * largestBoundary;
  return { fixed, perImage: (kept + ACTIVATION_FACTOR * largestSegment) * FLOAT_BYTES };
}

/** The estimate's bytes at `batchSize`. */
export function bytesAt(memory: StepMemory, batchSize: number): number {
  return memory.fixed + memory.perImage * batchSize;
}

/** tfjs collects a model's weights from every layer at each read: count them once per model. */
const parameterCounts = new WeakMap<tf.LayersModel, number>();

function parameterCount(model: tf.LayersModel): number {
  let count = parameterCounts.get(model);
  if (count === undefined) {
    count = model.trainableWeights.reduce((sum, w) => sum + sizeOf(w.shape), 0);
    parameterCounts.set(model, count);
  }
  return count;
}

function sizeOf(shape: readonly (number | null)[]): number {
  return shape.reduce((product: number, d) => product * (d ?? 1), 1);
}
