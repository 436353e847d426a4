/**
 * The PyTorch module that holds the weights of our layer `layerName`, in the names of
 * torchvision's `ResNet` and timm's `ResNet` (which agree but for the deep stem, avg-down
 * shortcuts and squeeze-excitation, which only timm has). `avgDown`: the model's projection
 * shortcuts average-pool first, so timm's `downsample` Sequential has the pool (an Identity
 * where the stride is 1) at index 0. Undefined for layers without a counterpart.
 */
export function torchModuleName(layerName: string, avgDown: boolean): string | undefined {
  if (layerName === 'stem_conv') return 'conv1';
  if (layerName === 'stem_bn') return 'bn1';
  if (layerName === 'logits') return 'fc';
  // timm's deep stem: conv1 = Sequential(conv, bn, act, conv, bn, act, conv), then bn1.
  const deepStem = /^stem_([123])_(conv|bn)$/.exec(layerName);
  if (deepStem !== null) {
    const index = (Number(deepStem[1]) - 1) * 3 + (deepStem[2] === 'bn' ? 1 : 0);
    return index === 7 ? 'bn1' : `conv1.${index}`;
  }
  const block = /^stage(\d+)_block(\d+)_(.+)$/.exec(layerName);
  if (block === null) return undefined;
  const prefix = `layer${block[1]}.${Number(block[2]) - 1}`;
  const part = block[3]!;
  const unit = /^([123])_(conv|bn)$/.exec(part);
  if (unit !== null) return `${prefix}.${unit[2]}${unit[1]}`;
  const shortcut = /^shortcut_(conv|bn)$/.exec(part);
  if (shortcut !== null) {
    return `${prefix}.downsample.${(shortcut[1] === 'conv' ? 0 : 1) + (avgDown ? 1 : 0)}`;
  }
  const se = /^se_(reduce|expand)_conv$/.exec(part);
  if (se !== null) return `${prefix}.se.fc${se[1] === 'reduce' ? 1 : 2}`;
  return undefined;
}

/** Our variable name → PyTorch's parameter or buffer name. */
export const TORCH_PARAMETER_NAMES: Readonly<Record<string, string>> = {
  kernel: 'weight',
  bias: 'bias',
  gamma: 'weight',
  beta: 'bias',
  moving_mean: 'running_mean',
  moving_variance: 'running_var',
};
