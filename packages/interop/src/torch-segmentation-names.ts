import { torchModuleName } from './torch-names.js';

/**
 * torchvision's `FCNHead` and the auxiliary head are `Sequential(conv, bn, relu, dropout,
 * conv)`; `DeepLabHead` is `Sequential(ASPP, conv, bn, relu, conv)`.
 */
const HEAD_INDICES: Readonly<Record<'fcn' | 'deeplabv3', Record<string, number>>> = {
  fcn: { '1_conv': 0, '1_bn': 1, classifier_conv: 4 },
  deeplabv3: { '1_conv': 1, '1_bn': 2, classifier_conv: 4 },
};

/**
 * The module of torchvision's FCN or DeepLabv3 (`torchvision.models.segmentation`) that holds
 * the weights of our layer `layerName`: the encoder's layers under `backbone.` (torchvision's
 * `IntermediateLayerGetter` keeps the ResNet's names), the head under `classifier.`, the
 * auxiliary head under `aux_classifier.`. ASPP's branches are `classifier.0.convs.<i>` (the
 * pooling branch, 4, starts with its pool) and its projection `classifier.0.project`.
 * Undefined for layers without a counterpart.
 */
export function torchSegmentationModuleName(
  layerName: string,
  head: 'fcn' | 'deeplabv3',
): string | undefined {
  const headLayer = /^(head|aux)_(1_conv|1_bn|classifier_conv)$/.exec(layerName);
  if (headLayer !== null) {
    const aux = headLayer[1] === 'aux';
    const index = HEAD_INDICES[aux ? 'fcn' : head][headLayer[2]!];
    return `${aux ? 'aux_classifier' : 'classifier'}.${index}`;
  }
  const branch = /^aspp_([0-4])_(conv|bn)$/.exec(layerName);
  if (branch !== null) {
    const i = Number(branch[1]);
    const index = (branch[2] === 'conv' ? 0 : 1) + (i === 4 ? 1 : 0);
    return `classifier.0.convs.${i}.${index}`;
  }
  const project = /^aspp_project_(conv|bn)$/.exec(layerName);
  if (project !== null) return `classifier.0.project.${project[1] === 'conv' ? 0 : 1}`;
  const backbone = torchModuleName(layerName, false);
  return backbone === undefined || backbone === 'fc' ? undefined : `backbone.${backbone}`;
}
