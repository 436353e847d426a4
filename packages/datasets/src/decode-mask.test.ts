import { describe, expect, it } from 'vitest';
import { decodeMask } from './decode-mask.js';
import { jpegBytes, maskPngBytes, pngBytes, rgbaImage } from './test-files.js';
import { vocPalette } from './voc-palette.js';

const VOC = Array.from({ length: 256 }, (_, i) =>
  Array.from(vocPalette().subarray(3 * i, 3 * i + 3)),
);
/** A 3×4 mask with background, two classes and ignored pixels. */
const VALUES = [0, 0, 1, 1, 0, 15, 15, 255, 255, 0, 20, 0];

describe('decodeMask', () => {
  it('reads an indexed PNG as its palette indices, not its colours', async () => {
    const mask = await decodeMask(maskPngBytes(3, 4, VALUES, { palette: VOC }), 'a.png');
    expect(mask).toMatchObject({ width: 4, height: 3 });
    expect(Array.from(mask.values)).toEqual(VALUES);
    expect(Array.from(mask.palette?.subarray(45, 48) ?? [])).toEqual([192, 128, 128]);
  });

  it('unpacks indexed PNGs of 1, 2 and 4 bits per pixel', async () => {
    for (const depth of [1, 2, 4] as const) {
      const values = Array.from({ length: 15 }, (_, i) => (i * 7) % (1 << depth));
      const palette = VOC.slice(0, 1 << depth);
      const mask = await decodeMask(maskPngBytes(3, 5, values, { palette, depth }), 'b.png');
      expect(Array.from(mask.values)).toEqual(values);
    }
  });

  it('reads a grey PNG (8 or 16 bits) as its grey levels, alpha ignored', async () => {
    const grey = await decodeMask(maskPngBytes(3, 4, VALUES), 'grey.png');
    expect(Array.from(grey.values)).toEqual(VALUES);
    expect(grey.palette).toBeUndefined();
    const wide = await decodeMask(maskPngBytes(3, 4, VALUES, { depth: 16 }), 'wide.png');
    expect(Array.from(wide.values)).toEqual(VALUES);
    const decoded = await decodeMask(maskPngBytes(3, 4, VALUES, { alpha: 40 }), 'alpha.png');
    expect(Array.from(decoded.values)).toEqual(VALUES);
  });

  it('reads masks that another program wrote: Pillow 9, modes P (VOC colours) and L', async () => {
    // Image.new('P' | 'L', (5, 3)).putdata(PIL_VALUES), saved as PNG by Pillow 9.4.
    const indexed = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAUAAAADCAMAAABs6DXKAAADAFBMVEUAAACAAAAAgACAgAAAAICAAIAA' +
        'gICAgIBAAADAAABAgADAgABAAIDAAIBAgIDAgIAAQACAQAAAwACAwAAAQICAQIAAwICAwIBAQADAQABA' +
        'wADAwABAQIDAQIBAwIDAwIAAAECAAEAAgECAgEAAAMCAAMAAgMCAgMBAAEDAAEBAgEDAgEBAAMDAAMBA' +
        'gMDAgMAAQECAQEAAwECAwEAAQMCAQMAAwMCAwMBAQEDAQEBAwEDAwEBAQMDAQMBAwMDAwMAgAACgAAAg' +
        'gACggAAgAICgAIAggICggIBgAADgAABggADggABgAIDgAIBggIDggIAgQACgQAAgwACgwAAgQICgQIAg' +
        'wICgwIBgQADgQABgwADgwABgQIDgQIBgwIDgwIAgAECgAEAggECggEAgAMCgAMAggMCggMBgAEDgAEBg' +
        'gEDggEBgAMDgAMBggMDggMAgQECgQEAgwECgwEAgQMCgQMAgwMCgwMBgQEDgQEBgwEDgwEBgQMDgQMBg' +
        'wMDgwMAAIACAIAAAoACAoAAAIICAIIAAoICAoIBAIADAIABAoADAoABAIIDAIIBAoIDAoIAAYACAYAAA' +
        '4ACA4AAAYICAYIAA4ICA4IBAYADAYABA4ADA4ABAYIDAYIBA4IDA4IAAIECAIEAAoECAoEAAIMCAIMAA' +
        'oMCAoMBAIEDAIEBAoEDAoEBAIMDAIMBAoMDAoMAAYECAYEAA4ECA4EAAYMCAYMAA4MCA4MBAYEDAYEBA' +
        '4EDA4EBAYMDAYMBA4MDA4MAgIACgIAAgoACgoAAgIICgIIAgoICgoIBgIADgIABgoADgoABgIIDgIIBg' +
        'oIDgoIAgYACgYAAg4ACg4AAgYICgYIAg4ICg4IBgYADgYABg4ADg4ABgYIDgYIBg4IDg4IAgIECgIEAg' +
        'oECgoEAgIMCgIMAgoMCgoMBgIEDgIEBgoEDgoEBgIMDgIMBgoMDgoMAgYECgYEAg4ECg4EAgYMCgYMAg' +
        '4MCg4MBgYEDgYEBg4EDg4EBgYMDgYMBg4MDg4MCa7rFGAAAAGklEQVR4nGNgYGBk/M/AwM8v8p+BmZmB' +
        'gQEAFfMCOe3zvQAAAAAASUVORK5CYII=',
      'base64',
    );
    const grey = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAUAAAADCAAAAAB+XZokAAAAGklEQVR4nGNgYGBk/M/CwM/AysDAzMzA' +
        'wAAADisBIISNrdEAAAAASUVORK5CYII=',
      'base64',
    );
    const PIL_VALUES = [0, 0, 1, 1, 255, 0, 15, 15, 20, 255, 3, 3, 0, 0, 0];
    const fromIndexed = await decodeMask(new Uint8Array(indexed), 'p.png');
    expect(Array.from(fromIndexed.values)).toEqual(PIL_VALUES);
    expect(Array.from(fromIndexed.palette ?? [])).toEqual(Array.from(vocPalette()));
    const fromGrey = await decodeMask(new Uint8Array(grey), 'l.png');
    expect(Array.from(fromGrey.values)).toEqual(PIL_VALUES);
  });

  it('refuses what is not a mask, naming the file', async () => {
    const image = rgbaImage(2, 2, () => [10, 20, 30, 255]);
    await expect(decodeMask(jpegBytes(image), 'm/a.png')).rejects.toThrow(
      'm/a.png: a mask must be a PNG file (indexed or grey), but this is not a PNG (unrecognised content).',
    );
    await expect(decodeMask(pngBytes(image), 'm/rgba.png')).rejects.toThrow(
      'm/rgba.png: the mask is a RGBA PNG; masks must be indexed (palette) or grey PNGs whose values are class indices.',
    );
    await expect(
      decodeMask(maskPngBytes(1, 2, [300, 1], { depth: 16 }), 'm/wide.png'),
    ).rejects.toThrow(
      'm/wide.png: the 16-bit mask holds 300 at pixel 0; class indices must be below 256 (255 = ignore).',
    );
    const whole = maskPngBytes(3, 4, VALUES, { palette: VOC });
    await expect(decodeMask(whole.subarray(0, whole.length - 20), 'm/cut.png')).rejects.toThrow(
      /^m\/cut\.png: cannot decode the mask PNG \(.+\)\.$/,
    );
    const forged = whole.slice();
    new DataView(forged.buffer).setUint32(16, 100_000);
    new DataView(forged.buffer).setUint32(20, 100_000);
    await expect(decodeMask(forged, 'm/huge.png')).rejects.toThrow(
      'm/huge.png: the mask is larger than 100 megapixels.',
    );
  });
});
