/**
 * The character-model demo's settings when the page opens: gpt_char_micro's shape cut to two
 * blocks of width 64 (108,608 parameters on the excerpt's 69 characters), so that a visitor
 * without a GPU sees it learn words; nanoGPT's recipe otherwise (AdamW, β₂ 0.99, weight decay
 * 0.1, clipping at 1, warm-up then cosine), with the higher peak rate small models take.
 * Measured in Node.js on WASM: held-out 3.85 bits per character after 50 steps, 3.38 after 400
 * (demos/char-model.md quotes these and the samples).
 */
export const CHAR_DEMO_DEFAULTS = {
  steps: 400,
  batchSize: 12,
  context: 64,
  layers: 2,
  heads: 4,
  width: 64,
  learningRate: 3e-3,
  warmupSteps: 20,
  /** Measure the held-out loss and write a sample every this many steps. */
  sampleEvery: 50,
  /** Characters per sample. */
  sampleLength: 200,
  temperature: 0.8,
  prompt: 'The ',
  seed: 1,
} as const;

/** The widths the page offers: multiples of the head count, as attention needs. */
export const DEMO_WIDTHS = [32, 64, 128] as const;

/** Nats per character (what the loss is) as bits per character. */
export function bitsPerCharacter(nats: number): number {
  return nats / Math.LN2;
}

/** The mean of the last `count` values (the demo's smoothed loss), or undefined when empty. */
export function recentMean(values: readonly number[], count = 10): number | undefined {
  if (values.length === 0) return undefined;
  const recent = values.slice(-count);
  return recent.reduce((a, b) => a + b, 0) / recent.length;
}
