import { GPT_OPTION_NAMES, type GptOptions, type GptSpec, gpt } from './gpt.js';
import { type ModelReference, registerModel } from './registry.js';

const NANOGPT: ModelReference = {
  title: 'nanoGPT (Karpathy 2023), a minimal GPT-2 (Radford et al. 2019)',
  url: 'https://github.com/karpathy/nanoGPT',
};

/**
 * A character-level GPT entry. Counts are nanoGPT's `GPTConfig` defaults (bias=True, tied
 * embedding and output), every parameter once, position embeddings included (what
 * `sum(p.numel() for p in model.parameters())` gives; nanoGPT's printed count leaves the
 * position embeddings out). MACs are per sequence of the full context.
 */
function registerGpt(
  spec: GptSpec,
  description: string,
  counts: { params: number; macs: number },
  detail: string,
): void {
  registerModel<GptOptions>({
    name: spec.name,
    family: 'gpt',
    task: 'language-model',
    description,
    defaultInputShape: [spec.contextLength],
    defaultNumClasses: spec.vocabSize,
    trainableParams: counts.params,
    totalParams: counts.params,
    macs: counts.macs,
    reference: { ...NANOGPT, detail },
    options: GPT_OPTION_NAMES,
    build: (options) => gpt(spec, options),
  });
}

registerGpt(
  { name: 'gpt_char_micro', vocabSize: 65, contextLength: 64, layers: 4, heads: 4, width: 128 },
  'Character GPT: 4 blocks, 4 heads, width 128, context 64 (nanoGPT on a CPU).',
  { params: 809_856, macs: 55_058_432 },
  "README's CPU run of shakespeare_char: n_layer=4, n_head=4, n_embd=128, block_size=64, dropout 0",
);
registerGpt(
  {
    name: 'gpt_char_small',
    vocabSize: 65,
    contextLength: 256,
    layers: 6,
    heads: 6,
    width: 384,
    dropout: 0.2,
  },
  'Character GPT: 6 blocks, 6 heads, width 384, context 256, dropout 0.2 (shakespeare_char).',
  { params: 10_770_816, macs: 3_026_288_640 },
  'config/train_shakespeare_char.py: n_layer=6, n_head=6, n_embd=384, block_size=256, dropout 0.2',
);
