import type * as tf from '@tensorflow/tfjs';
import type { CommonModelOptions } from './model-options.js';
import { type ModelReference, type ModelTask, registerModel } from './registry.js';

/** The counts an entry is held to: trainable parameters, total parameters, MACs. */
export type VariantCounts = readonly [trainableParams: number, totalParams: number, macs: number];

/** One registered variant of a generic network: a line of its family's table. */
export interface Variant<Spec extends { name: string }> {
  /** Family name, e.g. `resnet` or `cifar_plain` (several families can share a network). */
  family: string;
  /** The network's spec; its `name` is the registry name. */
  spec: Spec;
  description: string;
  counts: VariantCounts;
  reference: ModelReference;
}

/** What every variant of one generic network shares: how it builds and what it accepts. */
export interface GenericNetwork<Spec extends { name: string }, Options extends CommonModelOptions> {
  task?: ModelTask;
  /** Default input shape and classes (or vocabulary) of a variant. */
  defaults(spec: Spec): { inputShape: readonly number[]; numClasses: number };
  /** Options a variant understands, beyond the common ones. */
  options(spec: Spec): readonly string[];
  build(spec: Spec, options: Options): tf.LayersModel;
}

/**
 * Registers each variant over its generic network, in order (as timm declares every variant
 * in one line over one `ResNet` class): the zoo's one registration shape.
 */
export function registerVariants<Spec extends { name: string }, Options extends CommonModelOptions>(
  network: GenericNetwork<Spec, Options>,
  variants: readonly Variant<Spec>[],
): void {
  for (const { family, spec, description, counts, reference } of variants) {
    const [trainableParams, totalParams, macs] = counts;
    const { inputShape, numClasses } = network.defaults(spec);
    registerModel<Options>({
      name: spec.name,
      family,
      description,
      ...(network.task === undefined ? {} : { task: network.task }),
      defaultInputShape: inputShape,
      defaultNumClasses: numClasses,
      trainableParams,
      totalParams,
      macs,
      reference,
      options: network.options(spec),
      build: (options) => network.build(spec, options),
    });
  }
}
