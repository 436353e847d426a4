import * as tf from '@tensorflow/tfjs';

/** The fields of tfjs-layers' SymbolicTensor that running a graph by hand reads. */
interface GraphTensor {
  id: number;
  shape: (number | null)[];
  sourceLayer: tf.layers.Layer;
  inputs: GraphTensor[];
}

/** One layer call of a functional model: its output and where its inputs come from. */
export interface GraphStep {
  layer: tf.layers.Layer;
  /** Indices of the steps whose outputs it reads; -1 is the model's input. */
  inputs: number[];
  /** Elements of the output per example (the batch dimension left out). */
  outputElements: number;
}

/**
 * A single-input, single-output functional model as a list of layer calls in an order that
 * runs (each step after the steps it reads), and the places where it can be cut: after step i
 * when step i's output is the only tensor that the rest of the graph reads. A residual network
 * can be cut between any two blocks, never inside one (the shortcut keeps the block's input
 * alive). Built once per model; {@link runSteps} executes a range of it on real tensors.
 */
export interface LayerGraph {
  steps: GraphStep[];
  /** Step indices after which the graph can be cut, in order; the last step is not among them. */
  cuts: number[];
}

/**
 * Reads the model's graph, or returns undefined when it cannot be run step by step (several
 * inputs or outputs, a layer with several outputs, a layer called twice).
 */
export function layerGraph(model: tf.LayersModel): LayerGraph | undefined {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return undefined;
  const input = model.inputs[0] as unknown as GraphTensor;
  const output = model.outputs[0] as unknown as GraphTensor;
  const index = new Map<number, number>([[input.id, -1]]);
  const order: GraphTensor[] = [];
  const seenLayers = new Set<tf.layers.Layer>();
  // Depth-first post-order from the output, without recursion (a ResNet-1202 is ~6000 deep).
  const stack: { tensor: GraphTensor; next: number }[] = [{ tensor: output, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (index.has(top.tensor.id)) {
      stack.pop();
      continue;
    }
    if (top.tensor.inputs.length === 0) return undefined; // an input the model was not given
    if (top.next < top.tensor.inputs.length) {
      const child = top.tensor.inputs[top.next++];
      if (!index.has(child.id)) stack.push({ tensor: child, next: 0 });
      continue;
    }
    stack.pop();
    if (seenLayers.has(top.tensor.sourceLayer)) return undefined;
    seenLayers.add(top.tensor.sourceLayer);
    index.set(top.tensor.id, order.length);
    order.push(top.tensor);
  }
  const steps = order.map((tensor) => ({
    layer: tensor.sourceLayer,
    inputs: tensor.inputs.map((source) => index.get(source.id) as number),
    outputElements: tensor.shape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1),
  }));
  return { steps, cuts: cutPoints(steps) };
}

/** Steps after which exactly one tensor (the step's own output) is still read. */
function cutPoints(steps: GraphStep[]): number[] {
  const lastRead = new Array<number>(steps.length).fill(-1);
  let inputLastRead = -1;
  steps.forEach((step, i) => {
    for (const source of step.inputs) {
      if (source === -1) inputLastRead = i;
      else lastRead[source] = i;
    }
  });
  const cuts: number[] = [];
  // Tensors produced so far and read after the current step, counted as the walk goes.
  let live = inputLastRead >= 0 ? 1 : 0;
  const dying = new Array<number>(steps.length).fill(0);
  if (inputLastRead >= 0) dying[inputLastRead]++;
  for (let i = 0; i < steps.length - 1; i++) {
    if (lastRead[i] > i) {
      live++;
      dying[lastRead[i]]++;
    }
    live -= dying[i];
    if (live === 1 && lastRead[i] > i) cuts.push(i);
  }
  return cuts;
}

/**
 * Runs steps `from`..`to` of the graph on `input` (the output of step `from - 1`, or the model's
 * input when `from` is 0) and returns step `to`'s output. Each layer runs in a scope of its own,
 * and each output is freed once the last step of the range that reads it has run: tfjs-layers
 * keeps every layer's output until the step ends when training, though the backward pass keeps
 * what it needs itself. `input` stays the caller's.
 */
export function runSteps(
  graph: LayerGraph,
  from: number,
  to: number,
  input: tf.Tensor,
  training: boolean,
): tf.Tensor {
  const readersLeft = new Map<number, number>();
  for (let i = from; i <= to; i++) {
    for (const source of graph.steps[i].inputs) {
      readersLeft.set(source, (readersLeft.get(source) ?? 0) + 1);
    }
  }
  const values = new Map<number, tf.Tensor>([[from - 1, input]]);
  for (let i = from; i <= to; i++) {
    const step = graph.steps[i];
    const inputs = step.inputs.map((source) => {
      const value = values.get(source);
      if (value === undefined) throw new Error(`layer graph: step ${i} reads outside its segment`);
      return value;
    });
    values.set(
      i,
      tf.tidy(() => step.layer.apply(inputs, { training }) as tf.Tensor),
    );
    for (const source of step.inputs) {
      const left = (readersLeft.get(source) ?? 1) - 1;
      readersLeft.set(source, left);
      if (left > 0 || source === from - 1) continue;
      const value = values.get(source) as tf.Tensor;
      values.delete(source);
      // A layer may hand its input back unchanged (dropout at rate 0): then it lives on.
      if (![...values.values()].includes(value)) value.dispose();
    }
  }
  return values.get(to) as tf.Tensor;
}
