import { initBackend } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { textBatch, windowStarts } from './text-windows.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('text windows', () => {
  const tokens = Int32Array.from({ length: 50 }, (_, i) => i);
  const options = { batchSize: 6, context: 8, seed: 3, step: 0 };

  it('draws each step its own windows, the same for the same (seed, step)', () => {
    const first = windowStarts(tokens.length, options);
    expect(windowStarts(tokens.length, options)).toEqual(first);
    expect(windowStarts(tokens.length, { ...options, step: 1 })).not.toEqual(first);
    expect(windowStarts(tokens.length, { ...options, seed: 4 })).not.toEqual(first);
    for (const start of first) expect(start).toBeGreaterThanOrEqual(0);
    for (const start of first) expect(start + 8).toBeLessThan(50);
  });

  it('gives int32 inputs [batch, context] and the next tokens as targets', () => {
    const before = tf.memory().numTensors;
    const { inputs, targets } = textBatch(tokens, options);
    expect(inputs.shape).toEqual([6, 8]);
    expect(inputs.dtype).toBe('int32');
    const rows = inputs.arraySync();
    const next = targets.arraySync();
    rows.forEach((row, i) => {
      expect(row).toEqual(Array.from({ length: 8 }, (_, k) => row[0] + k));
      expect(next[i]).toEqual(row.map((token) => token + 1));
    });
    tf.dispose([inputs, targets]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a text without one window and its targets', () => {
    expect(() => windowStarts(8, options)).toThrow(
      'a window of 8 tokens and its targets needs at least 9 tokens, got 8.',
    );
  });
});
