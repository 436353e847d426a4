import * as tf from '@tensorflow/tfjs';
import { type LayerGraph, runSteps } from './layer-graph.js';

/**
 * Activation recomputation (gradient checkpointing, as `torch.utils.checkpoint` and
 * `tf.recompute_grad` do): the forward pass keeps only the input of each segment of the
 * network, and the backward pass runs each segment's forward again to get what its gradient
 * needs. Memory then grows with one segment's activations instead of the whole network's, for
 * about one more forward pass of compute.
 *
 * - `'none'`: keep every activation (the default where the step fits);
 * - `'blocks'`: one segment per residual block (layer names `stageN_blockM_…`);
 * - a number k: k segments of about equal activation size, cut between blocks (√(blocks) is
 *   the classic choice: Chen et al. 2016);
 * - `'auto'`: `'none'` when the step fits the backend's memory, else the fewest segments that
 *   fit (see `planRecompute`).
 */
export type RecomputeOption = 'auto' | 'none' | 'blocks' | number;

/** Segments as inclusive ranges of graph steps, covering the graph in order. */
export type Segments = readonly (readonly [number, number])[];

/** The cuts between residual blocks: where the next layer belongs to another block (or none). */
export function blockCuts(graph: LayerGraph): number[] {
  const blockOf = (step: number) => /^(stage\d+_block\d+)_/.exec(graph.steps[step].layer.name)?.[1];
  return graph.cuts.filter((cut) => blockOf(cut) !== blockOf(cut + 1));
}

/** Splits the graph at `cuts` (step indices, ascending). */
export function segmentsAt(graph: LayerGraph, cuts: readonly number[]): Segments {
  const segments: [number, number][] = [];
  let start = 0;
  for (const cut of cuts) {
    segments.push([start, cut]);
    start = cut + 1;
  }
  segments.push([start, graph.steps.length - 1]);
  return segments;
}

/**
 * At most `count` segments, cut between blocks where the activations so far reach j/count of
 * the total, so each segment recomputes about the same number of bytes.
 */
export function evenSegments(graph: LayerGraph, count: number): Segments {
  const candidates = blockCuts(graph);
  const prefix: number[] = [];
  let total = 0;
  for (const step of graph.steps) {
    total += step.outputElements;
    prefix.push(total);
  }
  const chosen: number[] = [];
  let next = 0;
  for (let j = 1; j < count && next < candidates.length; j++) {
    const target = (total * j) / count;
    while (next + 1 < candidates.length && prefix[candidates[next]] < target) next++;
    const cut = candidates[next];
    if (chosen[chosen.length - 1] !== cut) chosen.push(cut);
    next++;
  }
  return segmentsAt(graph, chosen);
}

/** Layers whose training-mode output is random: a second forward pass would differ. */
export function stochasticLayers(graph: LayerGraph): string[] {
  return graph.steps
    .filter((step) => {
      const config = step.layer.getConfig();
      return Number(config.rate ?? 0) > 0 || Number(config.stddev ?? 0) > 0;
    })
    .map((step) => step.layer.name);
}

/**
 * The model's training-mode forward pass, recomputing each segment's activations in the
 * backward pass. Gives the same logits, losses and gradients as `model.apply(x, {training:
 * true})`: every segment runs the same kernels on the same values twice. Batch-norm moving
 * statistics move once per step (the second pass restores them), and layers whose output is
 * random must not be in the model (see {@link stochasticLayers}).
 */
export function recomputingForward(
  graph: LayerGraph,
  segments: Segments,
): (images: tf.Tensor) => tf.Tensor {
  const parts = segments.map(([from, to]) => {
    const layers = graph.steps.slice(from, to + 1).map((step) => step.layer);
    const variables = layers.flatMap((layer) =>
      layer.trainableWeights.map((weight) => weight.read() as tf.Variable),
    );
    const state = layers.flatMap((layer) => layer.nonTrainableWeights);
    const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const input = args[0] as tf.Tensor;
      save([input]);
      // Only the output leaves the scope: the segment's activations are freed at once.
      const value = tf.tidy(() => runSteps(graph, from, to, input, true));
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const forward = () => runSteps(graph, from, to, saved[0], true);
        // The images need no gradient: the first segment skips it (tfjs's tape does too).
        if (from === 0) {
          const grads =
            variables.length === 0 ? [] : segmentGradients(forward, variables, dy, state);
          return [tf.zerosLike(saved[0]), ...grads];
        }
        return segmentGradients(forward, [saved[0], ...variables], dy, state);
      };
      return { value, gradFunc };
    });
    return (x: tf.Tensor) => run(x, ...variables);
  });
  return (images) => parts.reduce((x, part) => part(x), images);
}

/**
 * Gradients of `forward` at `xs` for the upstream gradient `dy`, from a second forward pass.
 * Runs inside tfjs's backward pass, where a gradient computation of its own replaces the
 * engine's tape: the outer tape is put back after it (tfjs clears it otherwise, and the outer
 * backward pass then fails to free its saved tensors). The layers' state (batch-norm moving
 * statistics) is put back too, so the step moves it once.
 */
function segmentGradients(
  forward: () => tf.Tensor,
  xs: tf.Tensor[],
  dy: tf.Tensor,
  state: readonly tf.LayerVariable[],
): tf.Tensor[] {
  const engine = tf.engine();
  const outerTape = engine.state.activeTape;
  // Clones share the values' memory; the forward pass writes new tensors into the variables.
  const before = state.map((variable) => tf.clone(variable.read()));
  try {
    const { value, grads } = engine.gradients(forward, xs, dy, true);
    value.dispose();
    // tfjs keeps every gradient of the backward pass until it ends; nothing reads this one
    // again (the segment's output has no other reader), so free it now: a ResNet-1202's
    // boundary gradients would otherwise add up to as much as its boundaries.
    dy.dispose();
    return grads.map((gradient, i) => gradient ?? tf.zerosLike(xs[i]));
  } finally {
    engine.state.activeTape = outerTape;
    state.forEach((variable, i) => {
      variable.write(before[i]);
    });
    tf.dispose(before);
  }
}
