/**
 * RGB bytes to grey by ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B), the weights of PIL's
 * `convert('L')` and so of torchvision's `Grayscale`.
 */
export function rgbToGrey(rgb: Uint8Array): Uint8Array {
  const grey = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < grey.length; p++) {
    grey[p] = Math.round(0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2]);
  }
  return grey;
}
