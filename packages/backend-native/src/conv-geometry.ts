/**
 * The geometry of a 2-D convolution over NHWC tensors, as the native kernels take it:
 * x `[batch, inHeight, inWidth, inChannels]`, filter `[filterHeight, filterWidth,
 * inChannels / groups, outChannels]`, y `[batch, outHeight, outWidth, outChannels]`. Output pixel
 * (oy, ox), tap (ky, kx) reads input pixel `(oy·strideHeight − padTop + ky·dilationHeight,
 * ox·strideWidth − padLeft + kx·dilationWidth)`; pixels outside the input are zeros. Output
 * channel `co` belongs to group `co / (outChannels / groups)`.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  filterHeight: number;
  filterWidth: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  dilationHeight: number;
  dilationWidth: number;
  groups: number;
}

/** The order in which the native kernels read a {@link ConvGeometry} from an Int32Array. */
export const CONV_GEOMETRY_FIELDS = [
  'batch',
  'inHeight',
  'inWidth',
  'inChannels',
  'filterHeight',
  'filterWidth',
  'outChannels',
  'outHeight',
  'outWidth',
  'strideHeight',
  'strideWidth',
  'padTop',
  'padLeft',
  'dilationHeight',
  'dilationWidth',
  'groups',
] as const satisfies readonly (keyof ConvGeometry)[];

/** Packs a geometry into the Int32Array the native kernels take. */
export function convGeometryArray(geometry: ConvGeometry): Int32Array {
  return Int32Array.from(CONV_GEOMETRY_FIELDS, (field) => geometry[field]);
}
