import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

describe('pnpm bench options', () => {
  it('measures every network mode and both PyTorch layouts unless told otherwise', () => {
    const options = parseOptions([], {});
    expect(options?.networkModes).toEqual(['train', 'infer', 'infer-folded']);
    expect(options?.layouts).toEqual(['NCHW', 'channels_last']);
  });

  it('narrows a deep network run to training in one layout', () => {
    const options = parseOptions(['--modes', 'train', '--layouts', 'channels_last'], {});
    expect(options?.networkModes).toEqual(['train']);
    expect(options?.layouts).toEqual(['channels_last']);
  });

  it('measures segmentation networks at 64² in batches 16 and 32 unless told otherwise', () => {
    expect(parseOptions([], {})).toMatchObject({
      segmentationSize: 64,
      segmentationBatches: [16, 32],
    });
    const options = parseOptions(['--seg-size', '128', '--seg-batches', '8'], {});
    expect(options).toMatchObject({ segmentationSize: 128, segmentationBatches: [8] });
  });

  it('refuses a segmentation size that U-Net cannot halve five times', () => {
    for (const size of ['48', '0', 'big']) {
      expect(() => parseOptions(['--seg-size', size], {})).toThrow(
        `--seg-size: expected a multiple of 32 (U-Net and FPN halve it five times), got "${size}".`,
      );
    }
    expect(() => parseOptions(['--seg-batches', '16,x'], {})).toThrow(
      '--seg-batches: expected positive integers separated by commas, got "16,x".',
    );
  });

  it('names the option and the accepted values for an unknown mode or layout', () => {
    expect(() => parseOptions(['--modes', 'train,fit'], {})).toThrow(
      '--modes: "fit" is not one of train, infer, infer-folded (comma-separated).',
    );
    expect(() => parseOptions(['--layouts', 'NHWC'], {})).toThrow(
      '--layouts: "NHWC" is not one of NCHW, channels_last (comma-separated).',
    );
  });

  it('measures startup unless told --no-startup', () => {
    expect(parseOptions([], {})?.startup).toBe(true);
    expect(parseOptions(['--quick'], {})?.startup).toBe(true);
    expect(parseOptions(['--no-startup'], {})?.startup).toBe(false);
  });
});
