/**
 * Registry models with a PyTorch counterpart, and the library whose names and layouts their
 * state dicts follow. timm's plain ResNets (`timm/resnet50.a1_in1k`, …) use torchvision's
 * names, so their files import into the torchvision-named entries as well.
 */
export const TORCH_MODELS: Readonly<Record<string, 'torchvision' | 'timm'>> = {
  resnet18: 'torchvision',
  resnet34: 'torchvision',
  resnet50: 'torchvision',
  resnet101: 'torchvision',
  resnet152: 'torchvision',
  resnext50_32x4d: 'torchvision',
  resnext101_32x8d: 'torchvision',
  resnext101_64x4d: 'torchvision',
  wide_resnet50_2: 'torchvision',
  wide_resnet101_2: 'torchvision',
  resnet50d: 'timm',
  seresnet50: 'timm',
  fcn_resnet50: 'torchvision',
  fcn_resnet101: 'torchvision',
  deeplabv3_resnet50: 'torchvision',
  deeplabv3_resnet101: 'torchvision',
};

/** The library `modelName`'s weights come from, or undefined when it has no PyTorch counterpart. */
export function torchLibraryOf(modelName: string): 'torchvision' | 'timm' | undefined {
  return Object.hasOwn(TORCH_MODELS, modelName) ? TORCH_MODELS[modelName] : undefined;
}
