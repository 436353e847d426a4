import { IMAGENET_CLASSES } from '@residual/datasets';
import { listModels } from '@residual/models';
import { UsageError } from './usage-error.js';

/** ImageNet's names for a 1000-class model; class indices otherwise. */
export function classNamesFor(numClasses: number): readonly string[] {
  return numClasses === IMAGENET_CLASSES.length
    ? IMAGENET_CLASSES
    : Array.from({ length: numClasses }, (_, i) => String(i));
}

export function requireOption(value: unknown, option: string, command: string): string {
  if (value === undefined) {
    throw new UsageError(`${command}: --${option} is required. See 'residual ${command} --help'.`);
  }
  return value as string;
}

export function checkModelName(name: string, command: string): void {
  const known = listModels().map((m) => m.name);
  if (!known.includes(name)) {
    throw new UsageError(
      `${command} --model: unknown model "${name}". Known: ${known.join(', ')}.`,
    );
  }
}
