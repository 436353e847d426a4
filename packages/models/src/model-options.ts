import {
  heNormalInitializers,
  type KernelInitializerFactory,
  NORMALIZATIONS,
  type Normalization,
  RESIDUAL_SCALES,
  type ResidualScale,
  type ShortcutKind,
} from '@residual/layers';
import type { GptOptions } from './gpt.js';
import { ModelError } from './model-error.js';

/** Options every registry entry takes. Families add their own (see each builder). */
export interface CommonModelOptions {
  /** Input image shape [height, width, channels]. Default: the entry's (32×32×3 for CIFAR). */
  inputShape?: readonly [number, number, number];
  /** Number of output classes (logits). Default: the entry's (10 for CIFAR-10). */
  numClasses?: number;
  /** Seed for the initial weights: the same seed builds the same model. Default: random. */
  seed?: number;
}

/**
 * The shortcut where a block changes shape, by the letter papers use: A zero-pads (no
 * parameters, He et al. 2015 option A), B projects with a 1×1 conv + BN (option B), D
 * average-pools then projects (ResNet-D, He et al. 2019).
 */
export type ShortcutOption = 'A' | 'B' | 'D';
export const SHORTCUT_OPTIONS: readonly ShortcutOption[] = ['A', 'B', 'D'];
export const SHORTCUT_KINDS_BY_OPTION: Readonly<Record<ShortcutOption, ShortcutKind>> = {
  A: 'zero-pad',
  B: 'projection',
  D: 'avg-down',
};

export type Pooling = 'avg' | 'max';
export const POOLINGS: readonly Pooling[] = ['avg', 'max'];

/** What the network ends in: a classifier (the default), pooled features, or every stage. */
export interface HeadOptions {
  /** End in global pooling and a fully connected layer that outputs logits. Default true. */
  includeTop?: boolean;
  /**
   * Global pooling before the classifier (default 'avg'), or, without the top, to end in a
   * pooled feature vector (default: none, the last feature map), as Keras applications do.
   */
  pooling?: Pooling;
  /**
   * Output the feature map of every stage, in order (a backbone for detection or
   * segmentation), instead of logits. Default false.
   */
  features?: boolean;
}

/** The residual variants of {@link @residual/layers}, for every block of a network. */
export interface ResidualOptions {
  /** Start every residual branch at zero (Goyal et al. 2017). Default false. */
  zeroInitResidual?: boolean;
  /** Scale the residual branches: ReZero, SkipInit or LayerScale. Default 'none'. */
  residualScale?: ResidualScale;
  /**
   * Stochastic depth (Huang et al. 2016): the last block's drop probability; earlier blocks
   * decay linearly towards 0. Default 0.
   */
  dropPathRate?: number;
  /**
   * 'batch' (default) or 'none'. Without normalisation the network is initialised with Fixup
   * (Zhang et al. 2019) unless a residualScale (e.g. SkipInit) is chosen. SkipInit defaults
   * to 'none', since it was proposed to replace batch norm.
   */
  norm?: Normalization;
}

/** The option names each group adds, for registry entries. */
export const HEAD_OPTION_NAMES = ['includeTop', 'pooling', 'features'] as const;
export const RESIDUAL_OPTION_NAMES = [
  'zeroInitResidual',
  'residualScale',
  'dropPathRate',
  'norm',
] as const;

export type NetworkOptions = CommonModelOptions & HeadOptions & ResidualOptions;

/**
 * Every option any registry entry takes; each entry accepts its own subset (see
 * `ModelEntry.options`) and rejects the rest by name.
 */
export type ModelOptions = NetworkOptions &
  GptOptions & {
    /** Shortcut where a stage changes shape (entries with residual shortcuts). */
    shortcut?: ShortcutOption;
    /** Dilate stages 2 to 4 instead of striding them (ImageNet ResNets; see `ResNetOptions`). */
    replaceStrideWithDilation?: readonly boolean[];
    /** FCN and DeepLabv3: include the auxiliary head on stage 3 (see `SegmentationOptions`). */
    aux?: boolean;
  };

/** Every option resolved to a value, checked once before building. */
export interface NetworkSettings {
  name: string;
  inputShape: [number, number, number];
  numClasses: number;
  includeTop: boolean;
  pooling: Pooling | undefined;
  features: boolean;
  norm: Normalization;
  residualScale: ResidualScale;
  zeroInitResidual: boolean;
  dropPathRate: number;
  /** Fixup: no normalisation and no other branch scale. */
  fixup: boolean;
  seed: number | undefined;
  kernelInitializer: KernelInitializerFactory;
}

export function resolveNetworkOptions(
  name: string,
  options: NetworkOptions,
  defaults: { inputShape: readonly [number, number, number]; numClasses: number },
): NetworkSettings {
  const features = options.features ?? false;
  if (features) {
    const clashing = (['includeTop', 'pooling', 'numClasses'] as const).filter(
      (key) => options[key] !== undefined,
    );
    if (clashing.length > 0) {
      throw new ModelError(
        `${name}: features: true outputs every stage's feature map; ${clashing.join(', ')} ` +
          `${clashing.length === 1 ? 'does' : 'do'} not apply.`,
      );
    }
  }
  const residualScale = checkChoice(
    name,
    'residualScale',
    options.residualScale ?? 'none',
    RESIDUAL_SCALES,
  );
  const norm = checkChoice(
    name,
    'norm',
    options.norm ?? (residualScale === 'skipinit' ? 'none' : 'batch'),
    NORMALIZATIONS,
  );
  const dropPathRate = options.dropPathRate ?? 0;
  if (!(dropPathRate >= 0 && dropPathRate < 1)) {
    throw new ModelError(`${name}: dropPathRate must be in [0, 1), got ${dropPathRate}.`);
  }
  return {
    name,
    inputShape: checkInputShape(name, options.inputShape ?? defaults.inputShape),
    numClasses: checkNumClasses(name, options.numClasses ?? defaults.numClasses),
    includeTop: options.includeTop ?? true,
    pooling:
      options.pooling === undefined
        ? undefined
        : checkChoice(name, 'pooling', options.pooling, POOLINGS),
    features,
    norm,
    residualScale,
    zeroInitResidual: options.zeroInitResidual ?? false,
    dropPathRate,
    fixup: norm === 'none' && residualScale === 'none',
    seed: options.seed,
    kernelInitializer: heNormalInitializers(options.seed),
  };
}

export function checkInputShape(model: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ModelError(
      `${model}: inputShape must be [height, width, channels] of positive integers, got [${shape}].`,
    );
  }
  return [shape[0], shape[1], shape[2]];
}

/** Blocks per stage: one positive integer per stage. */
export function checkDepths(model: string, depths: readonly number[]): void {
  if (depths.length === 0 || depths.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ModelError(
      `${model}: depths must list a positive number of blocks per stage, got [${depths}].`,
    );
  }
}

export function checkNumClasses(model: string, numClasses: number): number {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ModelError(`${model}: numClasses must be a positive integer, got ${numClasses}.`);
  }
  return numClasses;
}

export function checkChoice<T extends string>(
  model: string,
  option: string,
  value: string,
  accepted: readonly T[],
): T {
  if (!(accepted as readonly string[]).includes(value)) {
    throw new ModelError(
      `${model}: ${option} must be one of ${accepted.map((a) => `'${a}'`).join(', ')}, got '${value}'.`,
    );
  }
  return value as T;
}
