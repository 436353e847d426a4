import { isNode } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { type LayerGraph, layerGraph, runSteps } from './layer-graph.js';
import {
  blockCuts,
  evenSegments,
  type RecomputeOption,
  recomputingForward,
  type Segments,
  segmentsAt,
  stochasticLayers,
} from './recompute.js';
import { bytesAt, type StepMemory, stepMemory } from './step-memory.js';
import { StepMemoryError } from './step-memory-error.js';
import { TrainOptionsError } from './train-options-error.js';

/** What a run's steps will do about memory, decided before the first one. */
export interface RecomputePlan {
  /** The option as given. */
  option: RecomputeOption;
  /** The segments recomputed in the backward pass; absent when nothing is recomputed. */
  segments?: Segments;
  /** The estimated peak bytes of one step (see `StepMemory`). */
  estimatedBytes: number;
  /** What the backend can hold, when known (wasm: its 4 GiB heap; Node: the machine's RAM). */
  limitBytes?: number;
  /** The graph the segments index, for `recomputingForward`. */
  graph?: LayerGraph;
}

/**
 * The training-mode forward pass a plan asks for: its segments recomputed in the backward pass;
 * without segments, where the model runs step by step and draws no random numbers, the layers
 * one by one with each output freed once read (the same kernels in the same order as
 * `model.apply`, so the same values, at a lower peak); otherwise undefined, for `model.apply`.
 */
export function planForward(plan: RecomputePlan): ((images: tf.Tensor) => tf.Tensor) | undefined {
  const { graph, segments } = plan;
  if (graph === undefined) return undefined;
  if (segments !== undefined) return recomputingForward(graph, segments);
  if (stochasticLayers(graph).length > 0) return undefined;
  const last = graph.steps.length - 1;
  return (images) => runSteps(graph, 0, last, images, true);
}

/** The wasm heap's ceiling: 32-bit addresses. */
export const WASM_HEAP_BYTES = 2 ** 32;

/**
 * 'auto' recomputes only when the step would use more than this share of the limit: the
 * estimate is an estimate, and the allocator needs room to place what it frees.
 */
const AUTO_SHARE = 0.8;

/** Bytes the active backend can hold, or undefined where nothing says (a GPU in a browser). */
export async function backendMemoryLimit(): Promise<number | undefined> {
  if (tf.getBackend() === 'wasm') return WASM_HEAP_BYTES;
  if (isNode()) {
    const os = await import('node:os');
    return os.totalmem();
  }
  return undefined;
}

/**
 * Decides what a step recomputes for `model` at `batchSize` and checks that the step fits.
 * 'auto' keeps every activation when the step fits in 80 % of the limit, else recomputes the
 * segmentation with the lowest estimated peak (recomputation costs one more forward pass
 * whatever the segments).
 *
 * @throws TrainOptionsError for a `recompute` value that cannot work with this model.
 * @throws StepMemoryError when the step cannot fit the backend's memory even with
 *   recomputation, naming what it needs, what the backend allows and the largest batch that fits.
 */
export async function planRecompute(options: {
  model: tf.LayersModel;
  batchSize: number;
  recompute?: RecomputeOption;
  /** Default: what the active backend allows ({@link backendMemoryLimit}). */
  limitBytes?: number;
}): Promise<RecomputePlan> {
  const { model, batchSize } = options;
  const option = options.recompute ?? 'auto';
  checkOption(option);
  const limitBytes = options.limitBytes ?? (await backendMemoryLimit());
  const graph = layerGraph(model);
  const plain = stepMemory(model, graph);
  const candidates = candidateSegments(option, graph, model, limitBytes, plain, batchSize);
  let best: { segments?: Segments; memory: StepMemory } = { memory: plain };
  for (const segments of candidates) {
    const memory = stepMemory(model, graph, segments);
    if (best.segments === undefined || memory.perImage < best.memory.perImage) {
      best = { segments, memory };
    }
  }
  const estimatedBytes = bytesAt(best.memory, batchSize);
  if (limitBytes !== undefined && estimatedBytes > limitBytes) {
    throw stepMemoryError({ model, batchSize, graph, best, limitBytes });
  }
  return { option, segments: best.segments, estimatedBytes, limitBytes, graph };
}

function checkOption(option: RecomputeOption): void {
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 1) {
      throw new TrainOptionsError(
        `recompute must be 'auto', 'none', 'blocks' or a positive number of segments, got ${option}.`,
      );
    }
  } else if (!['auto', 'none', 'blocks'].includes(option)) {
    throw new TrainOptionsError(
      `recompute must be 'auto', 'none', 'blocks' or a positive number of segments, got '${option}'.`,
    );
  }
}

/** The segmentations the option allows ([] for none). */
function candidateSegments(
  option: RecomputeOption,
  graph: LayerGraph | undefined,
  model: tf.LayersModel,
  limitBytes: number | undefined,
  plain: StepMemory,
  batchSize: number,
): Segments[] {
  if (option === 'none') return [];
  if (option === 'auto') {
    const fits = limitBytes === undefined || bytesAt(plain, batchSize) <= AUTO_SHARE * limitBytes;
    if (fits || graph === undefined || stochasticLayers(graph).length > 0) return [];
    const blocks = blockCuts(graph).length + 1;
    if (blocks < 2) return [];
    return Array.from({ length: blocks }, (_, i) => evenSegments(graph, i + 1));
  }
  if (graph === undefined) {
    throw new TrainOptionsError(
      `recompute ${option}: ${model.name} is not a single-input, single-output functional model that can run layer by layer; use recompute 'none'.`,
    );
  }
  const random = stochasticLayers(graph);
  if (random.length > 0) {
    throw new TrainOptionsError(
      `recompute ${option}: ${model.name} has layers whose training output is random (${random.slice(0, 3).join(', ')}${random.length > 3 ? ', …' : ''}), which a second forward pass would not reproduce; use recompute 'none'.`,
    );
  }
  return [option === 'blocks' ? segmentsAt(graph, blockCuts(graph)) : evenSegments(graph, option)];
}

function stepMemoryError(context: {
  model: tf.LayersModel;
  batchSize: number;
  graph: LayerGraph | undefined;
  best: { segments?: Segments; memory: StepMemory };
  limitBytes: number;
}): StepMemoryError {
  const { model, batchSize, graph, best, limitBytes } = context;
  // What recomputation could do, also where the option ruled it out.
  let lowest = best.memory;
  if (graph !== undefined && stochasticLayers(graph).length === 0) {
    const blocks = blockCuts(graph).length + 1;
    for (let count = 1; count <= blocks; count++) {
      const memory = stepMemory(model, graph, evenSegments(graph, count));
      if (memory.perImage < lowest.perImage) lowest = memory;
    }
  }
  const largestBatch = (memory: StepMemory) =>
    Math.max(0, Math.floor((limitBytes - memory.fixed) / memory.perImage));
  return new StepMemoryError({
    model: model.name,
    batchSize,
    neededBytes: bytesAt(best.memory, batchSize),
    limitBytes,
    backend: tf.getBackend(),
    recomputing: best.segments !== undefined,
    largestBatch: largestBatch(best.memory),
    largestBatchRecomputing: lowest === best.memory ? undefined : largestBatch(lowest),
  });
}
