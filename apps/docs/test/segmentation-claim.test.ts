// The segmentation demo's page states the held-out mean IoU that its default settings reach.
// This runs the page's own code (trainShapesSegmenter) with the page's defaults in Node.js on
// WASM and holds the page's number to the run.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { expect, it } from 'vitest';
import { DOCS_ROOT } from '../scripts/paths.js';
import { SEGMENTATION_DEMO_DEFAULTS } from '../src/segmentation-demo-defaults.js';
import { trainShapesSegmenter } from '../src/shapes-segmenter.js';

it('with the default settings, the U-Net reaches the held-out mean IoU its page states', async () => {
  const page = await readFile(join(DOCS_ROOT, 'demos/segmentation.md'), 'utf8');
  const stated = /reach(?:es)? a held-out mean IoU of (\d+)%/.exec(page)?.[1];
  expect(stated, 'demos/segmentation.md states the mean IoU of its defaults').toBeDefined();

  await initBackend({ backend: 'wasm' });
  const run = await trainShapesSegmenter(SEGMENTATION_DEMO_DEFAULTS);
  try {
    const { trainImages, batchSize, epochs } = SEGMENTATION_DEMO_DEFAULTS;
    expect(run.losses).toHaveLength(Math.ceil(trainImages / batchSize) * epochs);
    expect(run.evaluations).toHaveLength(epochs);
    const final = run.evaluations.at(-1)!;
    const measured = `mean IoU ${(100 * final.meanIoU).toFixed(1)}%, per class ${final.perClassIoU
      .map((iou) => (iou === null ? '–' : `${(100 * iou).toFixed(0)}%`))
      .join(' ')}`;
    // Printed, for whoever changes the defaults and the page with them.
    console.info(`segmentation demo defaults: ${measured} after ${run.losses.length} steps`);
    // Seeded on one backend the run repeats; the margin is for another machine's rounding.
    expect(Math.abs(100 * final.meanIoU - Number(stated)), measured).toBeLessThanOrEqual(3);
    // Every shape is found, not only the background: the page says so.
    for (const iou of final.perClassIoU) expect(iou, measured).toBeGreaterThan(0.1);
  } finally {
    run.model.dispose();
  }
}, 1_200_000);
