import * as tf from '@tensorflow/tfjs';

/** A node of tfjs's gradient tape: one kernel call of the forward pass (an untyped engine field). */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

type GradientsFunction = (
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy?: tf.Tensor | null,
  allowNoGradients?: boolean,
) => { value: tf.Tensor; grads: tf.Tensor[] };

/** The parts of tfjs's engine the backward pass runs on (not in its typings). */
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(name: string, f: () => T): T;
  gradients: GradientsFunction;
}

const ORIGINAL_KEY = Symbol.for('@residual/backend/original-gradients');

/**
 * Makes every first-order gradient in tfjs (`tf.variableGrads`, `tf.grads`, optimizers'
 * `minimize`) free memory as the backward pass goes, as PyTorch does: a node's saved tensors
 * once its gradient is computed, and the gradient of each intermediate tensor once it has been
 * passed back. tfjs keeps both until the whole backward pass ends, so a training step peaked at
 * every activation saved for the backward pass plus a gradient for each. The values are the
 * same: the same kernels run in the same order. Gradients of gradients keep tfjs's own pass
 * (their tape must survive the inner pass). Idempotent.
 */
export function installLeanBackprop(): void {
  const engine = tf.engine() as unknown as EngineInternals & { [ORIGINAL_KEY]?: GradientsFunction };
  if (engine[ORIGINAL_KEY] !== undefined) return;
  const original = engine.gradients.bind(engine);
  engine[ORIGINAL_KEY] = original;
  engine.gradients = (f, xs, dy, allowNoGradients = false) =>
    engine.state.gradientDepth === 0
      ? leanGradients(engine, f, xs, dy ?? undefined, allowNoGradients)
      : original(f, xs, dy, allowNoGradients);
}

/** Puts tfjs's own backward pass back (for tests that compare the two). */
export function uninstallLeanBackprop(): void {
  const engine = tf.engine() as unknown as EngineInternals & { [ORIGINAL_KEY]?: GradientsFunction };
  const original = engine[ORIGINAL_KEY];
  if (original === undefined) return;
  // The bound original is tfjs's prototype method: dropping the own property restores it.
  delete (engine as Partial<EngineInternals>).gradients;
  delete engine[ORIGINAL_KEY];
}

function leanGradients(
  engine: EngineInternals,
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy: tf.Tensor | undefined,
  allowNoGradients: boolean,
): { value: tf.Tensor; grads: tf.Tensor[] } {
  tf.util.assert(xs.length > 0, () => 'gradients() received an empty list of xs.');
  if (dy !== undefined && dy.dtype !== 'float32') {
    throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
  }
  const y = engine.scopedRun(
    () => engine.startTape(),
    () => engine.endTape(),
    () => engine.tidy('forward', f),
  );
  tf.util.assert(y instanceof tf.Tensor, () => 'The result y returned by f() must be a tensor.');
  const tape = engine.state.activeTape ?? [];
  const nodes = nodesFromXsToY(tape, xs, y);
  if (!allowNoGradients && nodes.length === 0) {
    throw new Error(
      'Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed ' +
        'encloses all operations that lead from x to y.',
    );
  }
  return engine.tidy('backward', () => {
    const grads = backpropagate(engine, nodes, xs, y, dy ?? tf.onesLike(y));
    for (const node of tape) for (const tensor of node.saved ?? []) tensor.dispose();
    engine.state.activeTape = null;
    return { value: y, grads };
  });
}

/**
 * The tape's nodes on a path from one of `xs` to `y`, in tape order, each with only the inputs
 * that depend on `xs` (the others need no gradient: the image's, a constant's).
 */
function nodesFromXsToY(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const dependsOnXs = new Set(xs.map((x) => x.id));
  const fromXs = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((input) => dependsOnXs.has(input.id))) {
      fromXs.add(node.id);
      for (const output of node.outputs) dependsOnXs.add(output.id);
    }
  }
  const leadsToY = new Set([y.id]);
  const toY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    const inputs = Object.values(node.inputs);
    if (inputs.length > 0 && node.outputs.some((output) => leadsToY.has(output.id))) {
      toY.add(node.id);
      for (const input of inputs) leadsToY.add(input.id);
    }
  }
  return tape
    .filter((node) => fromXs.has(node.id) && toY.has(node.id))
    .map((node) => ({
      ...node,
      inputs: Object.fromEntries(
        Object.entries(node.inputs).filter(([, input]) => dependsOnXs.has(input.id)),
      ),
    }));
}

/**
 * Walks the nodes backwards from `y` (whose gradient is `dy`), accumulating each tensor's
 * gradient, and returns those of `xs`. Once a node has passed its outputs' gradients back to
 * its inputs, it frees them and its saved tensors, unless one is still held elsewhere (a
 * gradient function may hand its dy or a saved tensor back as an input's gradient).
 */
function backpropagate(
  engine: EngineInternals,
  nodes: TapeNode[],
  xs: tf.Tensor[],
  y: tf.Tensor,
  dy: tf.Tensor,
): tf.Tensor[] {
  const gradientOf = new Map<number, tf.Tensor>([[y.id, dy]]);
  /** How many entries of `gradientOf` hold each tensor object. */
  const holders = new Map<tf.Tensor, number>([[dy, 1]]);
  const hold = (id: number, gradient: tf.Tensor) => {
    gradientOf.set(id, gradient);
    holders.set(gradient, (holders.get(gradient) ?? 0) + 1);
  };
  const release = (id: number): tf.Tensor | undefined => {
    const gradient = gradientOf.get(id);
    if (gradient === undefined) return undefined;
    gradientOf.delete(id);
    const count = (holders.get(gradient) ?? 1) - 1;
    if (count === 0) holders.delete(gradient);
    else holders.set(gradient, count);
    return gradient;
  };
  const xIds = new Set(xs.map((x) => x.id));
  const external = new Set<tf.Tensor>([dy, y, ...xs]);
  const free = (tensor: tf.Tensor) => {
    if (!holders.has(tensor) && !external.has(tensor)) tensor.dispose();
  };

  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node.gradient === undefined) {
      throw new Error(
        `Cannot compute gradient: gradient function not found for ${node.kernelName}.`,
      );
    }
    // The gradients of this node's outputs leave the map now: nothing else consumes them.
    const dys = node.outputs.map((output) =>
      xIds.has(output.id) ? (gradientOf.get(output.id) ?? null) : (release(output.id) ?? null),
    );
    const inputGradients = node.gradient(dys);
    for (const [name, input] of Object.entries(node.inputs)) {
      if (!(name in inputGradients)) {
        throw new Error(
          `Cannot backprop through input ${name}. Available gradients found: ${Object.keys(inputGradients)}.`,
        );
      }
      const dx = engine.tidy(name, () => inputGradients[name]());
      if (dx.dtype !== 'float32') {
        throw new Error(
          `Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`,
        );
      }
      if (!tf.util.arraysEqual(dx.shape, input.shape)) {
        throw new Error(
          `Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${input.shape}'`,
        );
      }
      const previous = release(input.id);
      if (previous === undefined) {
        hold(input.id, dx);
      } else {
        hold(input.id, tf.add(previous, dx));
        free(previous);
        free(dx);
      }
    }
    for (const gradient of dys) if (gradient !== null) free(gradient);
    for (const tensor of node.saved ?? []) free(tensor);
  }
  return xs.map((x) => gradientOf.get(x.id) as tf.Tensor);
}
