import { describe, expect, it } from 'vitest';
import { IMAGENET_NORMALIZATION } from './imagenet-preprocessing.js';
import { COCO_WITH_VOC_LABELS, segmentationPreprocessing } from './segmentation-preprocessing.js';

describe('segmentation preprocessing of pretrained weights', () => {
  it("names torchvision's 21 COCO_WITH_VOC_LABELS classes as its weights metadata does", () => {
    // torchvision 0.14, models/_meta.py `_VOC_CATEGORIES`.
    expect(COCO_WITH_VOC_LABELS).toEqual([
      '__background__',
      'aeroplane',
      'bicycle',
      'bird',
      'boat',
      'bottle',
      'bus',
      'car',
      'cat',
      'chair',
      'cow',
      'diningtable',
      'dog',
      'horse',
      'motorbike',
      'person',
      'pottedplant',
      'sheep',
      'sofa',
      'train',
      'tvmonitor',
    ]);
  });

  it("gives torchvision's FCN and DeepLabv3 transform: 520, bilinear, ImageNet mean and std", () => {
    for (const model of [
      'fcn_resnet50',
      'fcn_resnet101',
      'deeplabv3_resnet50',
      'deeplabv3_resnet101',
    ]) {
      expect(segmentationPreprocessing(model)).toEqual({
        source: 'torchvision (COCO_WITH_VOC_LABELS_V1)',
        size: 520,
        interpolation: 'bilinear',
        normalization: IMAGENET_NORMALIZATION,
      });
    }
  });

  it('has nothing for models without published weights, nor for names of Object.prototype', () => {
    for (const model of ['unet_resnet18', 'fpn_resnet50', 'resnet50', 'toString']) {
      expect(segmentationPreprocessing(model)).toBeUndefined();
    }
  });
});
