import { createModel } from '@residual/models';
import { AdamW, nextTokenLoss } from '@residual/train';
import * as tf from '@tensorflow/tfjs';
import { type RowSpeeds, rowSpeeds } from './best-pytorch.js';
import type { BenchOptions } from './options.js';
import { median, medianStepSeconds, type Stepper } from './timing.js';
import type { TorchWorker } from './torch.js';
import { type TorchPeer, torchRuns } from './torch-peers.js';

/**
 * A character GPT measured as nanoGPT uses it on a CPU: training steps of batch 12 × context
 * 64 (its shakespeare_char README run), and generation at batch 1 where every new token runs
 * the model over the whole context again (nanoGPT's `generate` keeps no key/value cache).
 */
export interface TransformerCase {
  model: 'gpt_char_micro';
  mode: 'train' | 'generate';
  batch: number;
  context: number;
}

/** The sizes of gpt_char_micro (nanoGPT's `GPTConfig` for the README's CPU run), for the worker. */
export const GPT_MICRO = { vocab: 65, layers: 4, heads: 4, width: 128 } as const;

export const TRANSFORMER_CASES: readonly TransformerCase[] = [
  { model: 'gpt_char_micro', mode: 'train', batch: 12, context: 64 },
  { model: 'gpt_char_micro', mode: 'generate', batch: 1, context: 64 },
];

/** Tokens one timed call processes: a training step's batch × context, or one generated token. */
export function tokensPerCall(c: TransformerCase): number {
  return c.mode === 'train' ? c.batch * c.context : 1;
}

/** Token ids drawn from a fixed pattern, so both sides see data of the same shape. */
function tokenIds(count: number, offset: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => (i * 7 + offset) % GPT_MICRO.vocab);
}

/**
 * One AdamW step (nanoGPT's recipe: lr 1e-3, β₂ 0.99, weight decay 0.1; no clipping on either
 * side) on next-token cross-entropy, or one generated token (greedy: the sampling costs
 * nothing next to the forward pass), synchronously.
 */
function stepper(c: TransformerCase): Stepper {
  const model = createModel(c.model, { seed: 1 }) as tf.LayersModel;
  if (c.mode === 'train') {
    const inputs = tf.tensor2d(tokenIds(c.batch * c.context, 0), [c.batch, c.context], 'int32');
    const targets = tf.tensor2d(tokenIds(c.batch * c.context, 1), [c.batch, c.context], 'int32');
    const optimizer = new AdamW(model.trainableWeights, { beta2: 0.99, weightDecay: 0.1 });
    const variables = optimizer.variables;
    return {
      step: () => {
        const loss = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(
            () => nextTokenLoss(model.apply(inputs, { training: true }) as tf.Tensor, targets),
            variables,
          );
          optimizer.apply(
            variables.map((variable) => grads[variable.name]),
            1e-3,
          );
          return value;
        });
        loss.dataSync();
        loss.dispose();
      },
      dispose: () => {
        tf.dispose([inputs, targets]);
        optimizer.dispose();
        model.dispose();
      },
    };
  }
  const sequence = Array.from(tokenIds(c.context, 0));
  return {
    step: () => {
      const window = Int32Array.from(sequence.slice(-c.context));
      const next = tf.tidy(() => {
        const logits = model.predict(tf.tensor2d(window, [1, c.context], 'int32')) as tf.Tensor;
        return tf.argMax(tf.slice(logits, [0, c.context - 1, 0], [1, 1, -1]), -1);
      });
      sequence.push(next.dataSync()[0]);
      next.dispose();
    },
    dispose: () => model.dispose(),
  };
}

/** Seconds per call of ours on the active backend: `warmup` calls, then the median of `steps`. */
export function timeTransformer(c: TransformerCase, warmup: number, steps: number): number {
  return medianStepSeconds(stepper(c), warmup, steps);
}

/** The same GPT in PyTorch (torch/worker.py), or undefined when the worker cannot build it. */
export async function timeTorchTransformer(
  torch: TorchWorker,
  c: TransformerCase,
  threads: number,
  warmup: number,
  steps: number,
): Promise<number | undefined> {
  const answer = await torch.request({
    kind: 'gpt',
    mode: c.mode,
    batch: c.batch,
    context: c.context,
    ...GPT_MICRO,
    threads,
    warmup,
    steps,
  });
  if (answer.error !== undefined) process.stderr.write(`[torch] ${answer.error}\n`);
  return answer.times === undefined ? undefined : median(answer.times as number[]);
}

export interface TransformerResult {
  case: TransformerCase;
  tokens: RowSpeeds;
}

/**
 * Every case on each of our `modes` and on each PyTorch peer at each thread count (the GPT has no
 * layout to choose), interleaved round by round as the network rows are (the machine is shared:
 * only side-by-side numbers compare).
 */
export async function measureTransformers<Mode extends { label: string }>(run: {
  modes: readonly Mode[];
  activate: (mode: Mode) => Promise<void>;
  peers: readonly TorchPeer[];
  options: Pick<BenchOptions, 'rounds' | 'steps' | 'warmup' | 'threads'>;
  log: (message: string) => void;
}): Promise<TransformerResult[]> {
  const { modes, activate, options } = run;
  const results: TransformerResult[] = [];
  for (const [index, c] of TRANSFORMER_CASES.entries()) {
    run.log(
      `transformers ${index + 1}/${TRANSFORMER_CASES.length}: ${c.model} ${c.mode} batch ${c.batch} context ${c.context}`,
    );
    // A generated token is a much shorter call than a training step: time more of them.
    const steps = c.mode === 'generate' ? options.steps * 4 : options.steps;
    const times: Record<string, number[]> = {};
    const record = (label: string, seconds: number) => {
      times[label] = [...(times[label] ?? []), seconds];
    };
    for (let round = 0; round < options.rounds; round++) {
      for (const mode of modes) {
        await activate(mode);
        record(mode.label, timeTransformer(c, options.warmup, steps));
      }
      for (const { peer, threads, key } of torchRuns(run.peers, [undefined], options.threads)) {
        const seconds = await timeTorchTransformer(peer.worker, c, threads, options.warmup, steps);
        if (seconds !== undefined) record(key, seconds);
      }
    }
    results.push({ case: c, tokens: rowSpeeds(times, tokensPerCall(c), options.threads) });
  }
  return results;
}
