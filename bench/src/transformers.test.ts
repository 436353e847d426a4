import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@residual/backend';
import { getModelEntry } from '@residual/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { TorchWorker } from './torch.js';
import {
  GPT_MICRO,
  TRANSFORMER_CASES,
  timeTorchTransformer,
  timeTransformer,
  tokensPerCall,
} from './transformers.js';

const TORCH_DIR = fileURLToPath(new URL('../torch/', import.meta.url));
const REQUIRE_PYTHON = process.env.CI === 'true' || process.env.RESIDUAL_REQUIRE_PYTHON === '1';

/** Why PyTorch cannot run here, or undefined when it can; under CI a missing peer fails. */
function torchSkipReason(): string | undefined {
  const started = TorchWorker.start();
  if (typeof started !== 'string') {
    started.close();
    return undefined;
  }
  if (REQUIRE_PYTHON) throw new Error(`CI=true or RESIDUAL_REQUIRE_PYTHON=1, but ${started}.`);
  console.warn(`SKIPPED (the PyTorch GPT of the benchmark): ${started}.`);
  return started;
}
const SKIP_TORCH = torchSkipReason() !== undefined;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('the GPT rows of pnpm bench', () => {
  it('time a training step of 12 × 64 tokens and one generated token', () => {
    expect(TRANSFORMER_CASES.map((c) => [c.mode, tokensPerCall(c)])).toEqual([
      ['train', 768],
      ['generate', 1],
    ]);
    const seconds = timeTransformer(TRANSFORMER_CASES[1], 0, 2);
    expect(seconds).toBeGreaterThan(0);
    expect(Number.isFinite(seconds)).toBe(true);
  });

  it.skipIf(SKIP_TORCH)(
    'compare with a PyTorch GPT of exactly gpt_char_micro’s parameters',
    async () => {
      const count = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          `import sys; sys.path.insert(0, ${JSON.stringify(TORCH_DIR)}); import worker
net = worker.Gpt(${GPT_MICRO.vocab}, 64, ${GPT_MICRO.layers}, ${GPT_MICRO.heads}, ${GPT_MICRO.width})
print(sum(p.numel() for p in net.parameters()))`,
        ],
        { encoding: 'utf8' },
      );
      expect(count.stderr).toBe('');
      expect(Number(count.stdout)).toBe(getModelEntry('gpt_char_micro').trainableParams);

      const worker = TorchWorker.start() as TorchWorker;
      try {
        const seconds = await timeTorchTransformer(worker, TRANSFORMER_CASES[1], 1, 0, 2);
        expect(seconds).toBeGreaterThan(0);
      } finally {
        worker.close();
      }
    },
  );
});
