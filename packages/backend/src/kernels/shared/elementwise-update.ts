/**
 * A kernel of ours that maps float32 inputs of one shape to float32 outputs of that shape,
 * element by element (an optimizer's step, a moving average): registered on `wasm` and `cpu`
 * from this one description.
 */
export interface ElementwiseUpdate<Attrs> {
  kernelName: string;
  /** The kernel's input names, in the order `into` takes their values. */
  inputs: readonly string[];
  outputs: number;
  into(inputs: Float32Array[], attrs: Attrs, outputs: Float32Array[]): void;
}
