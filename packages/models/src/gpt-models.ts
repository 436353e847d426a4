import { GPT_OPTION_NAMES, type GptOptions, type GptSpec, gpt } from './gpt.js';
import { registerVariants } from './register-variants.js';
import type { ModelReference } from './registry.js';

const NANOGPT: ModelReference = {
  title: 'nanoGPT (Karpathy 2023), a minimal GPT-2 (Radford et al. 2019)',
  url: 'https://github.com/karpathy/nanoGPT',
};

/**
 * Character-level GPT entries. Counts are nanoGPT's `GPTConfig` defaults (bias=True, tied
 * embedding and output), every parameter once (so trainable = total), position embeddings
 * included (what `sum(p.numel() for p in model.parameters())` gives; nanoGPT's printed count
 * leaves the position embeddings out). MACs are per sequence of the full context.
 */
registerVariants<GptSpec, GptOptions>(
  {
    task: 'language-model',
    defaults: (spec) => ({ inputShape: [spec.contextLength], numClasses: spec.vocabSize }),
    options: () => GPT_OPTION_NAMES,
    build: gpt,
  },
  [
    {
      family: 'gpt',
      spec: {
        name: 'gpt_char_micro',
        vocabSize: 65,
        contextLength: 64,
        layers: 4,
        heads: 4,
        width: 128,
      },
      description: 'Character GPT: 4 blocks, 4 heads, width 128, context 64 (nanoGPT on a CPU).',
      counts: [809_856, 809_856, 55_058_432],
      reference: {
        ...NANOGPT,
        detail:
          "README's CPU run of shakespeare_char: n_layer=4, n_head=4, n_embd=128, block_size=64, dropout 0",
      },
    },
    {
      family: 'gpt',
      spec: {
        name: 'gpt_char_small',
        vocabSize: 65,
        contextLength: 256,
        layers: 6,
        heads: 6,
        width: 384,
        dropout: 0.2,
      },
      description:
        'Character GPT: 6 blocks, 6 heads, width 384, context 256, dropout 0.2 (shakespeare_char).',
      counts: [10_770_816, 10_770_816, 3_026_288_640],
      reference: {
        ...NANOGPT,
        detail:
          'config/train_shakespeare_char.py: n_layer=6, n_head=6, n_embd=384, block_size=256, dropout 0.2',
      },
    },
  ],
);
