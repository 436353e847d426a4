/**
 * The Keras applications name of one of our layers. Our ResNet layers are named by stage and
 * block from 1 (`stage1_block2_1_conv`), Keras' by the conv stage of the paper, where the stem
 * is conv1 (`conv2_block2_1_conv`); Keras calls the projection shortcut `_0_conv`, the stem
 * conv `conv1_conv` and the classifier `predictions`. Other names (`post_bn`) are shared.
 */
export function kerasLayerName(name: string): string {
  if (name === 'stem_conv') return 'conv1_conv';
  if (name === 'logits') return 'predictions';
  const block = /^stage(\d+)_block(\d+)_(.+)$/.exec(name);
  if (block === null) return name;
  const [, stage, index, rest] = block;
  const part = rest === 'shortcut_conv' ? '0_conv' : rest;
  return `conv${Number(stage) + 1}_block${index}_${part}`;
}
