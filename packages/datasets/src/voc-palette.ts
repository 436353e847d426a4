/**
 * Pascal VOC's colour map, the colours of its `SegmentationClass` PNGs: 256 RGB triples (768
 * bytes). Entry i spreads the bits of i over the three channels from the top bit down: bit 0
 * of i goes to red, bit 1 to green, bit 2 to blue, then bits 3-5 one place lower, and so on
 * (the devkit's `VOClabelcolormap.m`). So background is black, class 1 (aeroplane) dark red
 * (128, 0, 0), and 255, the ignore value, cream (224, 224, 192).
 */
export function vocPalette(count = 256): Uint8Array {
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    throw new RangeError(`A VOC palette has 1 to 256 colours, got ${count}.`);
  }
  const palette = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    let red = 0;
    let green = 0;
    let blue = 0;
    let bits = i;
    for (let shift = 7; bits > 0; shift--, bits >>= 3) {
      red |= (bits & 1) << shift;
      green |= ((bits >> 1) & 1) << shift;
      blue |= ((bits >> 2) & 1) << shift;
    }
    palette.set([red, green, blue], 3 * i);
  }
  return palette;
}

/**
 * A mask (H×W class indices) drawn in colour: H×W×3 RGB bytes, pixel p coloured
 * `palette[mask[p]]`. Use it to look at masks and predictions.
 */
export function colorizeMask(
  mask: ArrayLike<number>,
  palette: Uint8Array = vocPalette(),
): Uint8Array {
  const colours = palette.length / 3;
  const rgb = new Uint8Array(mask.length * 3);
  for (let p = 0; p < mask.length; p++) {
    const value = mask[p];
    if (!(Number.isInteger(value) && value >= 0 && value < colours)) {
      throw new RangeError(
        `Mask value ${value} at ${p} has no colour in a ${colours}-colour palette.`,
      );
    }
    rgb[3 * p] = palette[3 * value];
    rgb[3 * p + 1] = palette[3 * value + 1];
    rgb[3 * p + 2] = palette[3 * value + 2];
  }
  return rgb;
}
