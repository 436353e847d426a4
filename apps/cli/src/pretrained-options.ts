import { IMAGENET_CLASSES } from '@residual/datasets';
import { listModels } from '@residual/models';
import { UsageError } from './usage-error.js';

/** ImageNet's names for a 1000-class model; class indices otherwise. */
export function classNamesFor(numClasses: number): readonly string[] {
  return numClasses === IMAGENET_CLASSES.length
    ? IMAGENET_CLASSES
    : Array.from({ length: numClasses }, (_, i) => String(i));
}

/** A registered model's name: the validator of `--model`. */
export function knownModel(name: string, where: string): string {
  const known = listModels().map((m) => m.name);
  if (!known.includes(name)) {
    throw new UsageError(`${where}: unknown model "${name}". Known: ${known.join(', ')}.`);
  }
  return name;
}
