/** A tensor read from another framework's file, as float32 in the file's own layout. */
export interface SourceTensor {
  shape: number[];
  dtype: string;
  data: Float32Array;
}

/** Tensors by their name in the source framework (`layer1.0.conv1.weight`, `conv1_conv/kernel`). */
export type StateDict = Map<string, SourceTensor>;

/** What an import loaded and what did not fit (filled in full when `strict: false`). */
export interface ImportReport {
  loaded: string[];
  missing: string[];
  unexpected: string[];
  mismatched: { key: string; expected: number[]; actual: number[] }[];
}
