import type { Colour } from './shape-drawing.js';

/**
 * The segmentation demo's settings when the page opens: `unet_resnet18` (14.3 million
 * parameters) on `shapes` generated at 32×32, the smallest size a U-Net on a stride-32 encoder
 * takes, where a step costs least (at 64×64, 500 steps of batch 8 cost twice as much and
 * reached about the same IoU: 38% against 36%, both without zero-γ). 500 steps took 2.5
 * to 3 minutes in Node.js on WASM on a busy 2-core machine. test/segmentation-claim.test.ts runs
 * these settings in Node.js and holds the page's stated mean IoU to them.
 */
export const SEGMENTATION_DEMO_DEFAULTS = {
  size: 32,
  trainImages: 1600,
  testImages: 100,
  epochs: 5,
  batchSize: 16,
  learningRate: 0.1,
  /** Cross-entropy alone settles on "all background" for longer; Dice counts each class equally. */
  loss: 'cross-entropy+dice',
  /**
   * Zero-γ: a held-out mean IoU of 47% after the 500 steps, where the standard start reached
   * 36% (and AdamW at 1e-3, 40-42%, with either start; both on 64 held-out pictures).
   */
  zeroInitResidual: true,
  seed: 1,
} as const;

/** The colours the pen offers: saturated ones, as the data set's shapes mostly are. */
export const PEN_COLOURS: readonly { name: string; colour: Colour }[] = [
  { name: 'red', colour: [220, 40, 40] },
  { name: 'blue', colour: [30, 80, 220] },
  { name: 'green', colour: [40, 170, 60] },
  { name: 'yellow', colour: [240, 200, 20] },
  { name: 'black', colour: [20, 20, 20] },
  { name: 'white', colour: [245, 245, 245] },
];

/** The colour a cleared canvas starts from (with the data set's background noise). */
export const CANVAS_BACKGROUND: Colour = [200, 205, 215];
