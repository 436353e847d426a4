import { describe, expect, it } from 'vitest';
import { rowSpeeds } from './best-pytorch.js';
import { resultEntry, speedTables } from './speed-tables.js';

/** Seconds per call: ours and two peers in two layouts at 1 and 2 threads (batch 32). */
const TIMES = {
  'native×1': [0.1, 0.12, 0.1],
  'native×2': [0.05],
  wasm: [0.4],
  'PyTorch 1.13 NCHW×1': [0.4],
  'PyTorch 1.13 channels_last×1': [0.5],
  'PyTorch 2.13 NCHW×1': [0.3],
  'PyTorch 2.13 channels_last×1': [0.2, 0.25, 0.15],
  'PyTorch 1.13 NCHW×2': [0.16],
  'PyTorch 1.13 channels_last×2': [0.32],
  'PyTorch 2.13 NCHW×2': [0.2],
  'PyTorch 2.13 channels_last×2': [0.4],
};

describe('the best PyTorch of a row', () => {
  const row = rowSpeeds(TIMES, 32, [1, 2]);

  it('is the fastest peer and layout at each thread count, by median', () => {
    expect(row.bestPyTorch).toEqual({
      'PyTorch×1': 'PyTorch 2.13 channels_last×1',
      'PyTorch×2': 'PyTorch 1.13 NCHW×2',
    });
    expect(row.speeds['PyTorch×1']).toBeCloseTo(32 / 0.2);
    expect(row.speeds['PyTorch×2']).toBeCloseTo(32 / 0.16);
    expect(row.speeds['native×1']).toBeCloseTo(320);
  });

  it('is absent where no PyTorch ran', () => {
    const ours = rowSpeeds({ 'native×1': [0.1] }, 32, [1, 2]);
    expect(ours).toEqual({ speeds: { 'native×1': 320 }, bestPyTorch: {} });
  });

  it('is what a results file records: every label, the best under PyTorch×t, its source, ratios', () => {
    const entry = resultEntry('imagesPerSecond', row, [1, 2]);
    expect(Object.keys(entry)).toEqual(['imagesPerSecond', 'bestPyTorch', 'ratios']);
    // readme-figures.test.ts reads these keys, in old files and new.
    for (const key of ['native×1', 'native×2', 'wasm', 'PyTorch×1', 'PyTorch×2']) {
      expect(entry.imagesPerSecond[key], key).toBeGreaterThan(0);
    }
    expect(Object.keys(entry.imagesPerSecond)).toHaveLength(Object.keys(TIMES).length + 2);
    expect(entry.ratios['native×1/PyTorch×1']).toBeCloseTo(2);
    expect(entry.ratios['native×2/PyTorch×2']).toBeCloseTo(3.2);
  });

  it('is printed beside ours, naming the peer and layout, then every peer in a second table', () => {
    const text = speedTables('Title', ['network'], [{ cells: ['resnet'], row }], [1, 2]);
    const [main, detail] = text.split('PyTorch by peer, layout and threads');
    expect(main).toMatch(/best PyTorch×1 +best PyTorch×2 +native×1\/PyTorch×1/);
    expect(main).toContain('160.0 (2.13 channels_last)');
    expect(main).toContain('200.0 (1.13 NCHW)');
    expect(main).toMatch(/ 2\.00 +3\.20\s*$/);
    expect(detail).toMatch(/ 1\.13 channels_last×2 /);
    expect(detail).not.toContain('native');
  });
});
