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

  it('names the option and the accepted values for an unknown mode or layout', () => {
    expect(() => parseOptions(['--modes', 'train,fit'], {})).toThrow(
      '--modes: "fit" is not one of train, infer, infer-folded (comma-separated).',
    );
    expect(() => parseOptions(['--layouts', 'NHWC'], {})).toThrow(
      '--layouts: "NHWC" is not one of NCHW, channels_last (comma-separated).',
    );
  });
});
