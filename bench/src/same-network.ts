// A row compares two implementations of one network only if they have the same weights: each
// PyTorch peer's trainable parameter count is held to ours, and the counts go into the report.

/** Trainable parameters of one network row: ours, then each PyTorch peer's by its label. */
export type ParameterCounts = Record<string, number>;

/** The label of our count in `ParameterCounts`. */
export const OURS = 'ours';

/**
 * Adds `peer`'s count to `counts`, which holds ours under `OURS`.
 * @throws Error naming both counts when they differ: PyTorch built another network.
 */
export function checkSameNetwork(
  model: string,
  counts: ParameterCounts,
  peer: string,
  trainable: number,
): void {
  const ours = counts[OURS];
  if (trainable !== ours) {
    throw new Error(
      `${peer} built ${model} with ${trainable.toLocaleString('en-US')} trainable parameters, ` +
        `ours has ${ours.toLocaleString('en-US')}: not the same network, so no comparison.`,
    );
  }
  counts[peer] = trainable;
}

/** `unet_resnet18 64²: ours 14,328,644, PyTorch 2.13 14,328,644`. */
export function parameterLine(row: string, counts: ParameterCounts): string {
  const cells = Object.entries(counts).map(
    ([label, count]) => `${label} ${count.toLocaleString('en-US')}`,
  );
  return `${row}: ${cells.join(', ')}`;
}
