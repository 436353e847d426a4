import { COMMANDS } from 'residual';
import { describe, expect, it } from 'vitest';
import { resultSection } from '../scripts/benchmarks.js';
import { cliReference } from '../scripts/cli-reference.js';
import { catalogueEntry, catalogueIndex, modelPage } from '../scripts/model-catalogue.js';

describe('the model catalogue', () => {
  it('reads whatever metadata an entry has, and shows unknown fields as they are', () => {
    const entry = catalogueEntry({
      name: 'resnet50',
      family: 'resnet',
      description: 'ResNet-50 <torchvision>',
      parameters: { trainable: 25_557_032, total: 25_610_152 },
      macs: 4_089_184_256,
      defaultInputShape: [224, 224, 3],
      defaultNumClasses: 1000,
      reference: { title: 'torchvision', url: 'https://example.org/rn50', detail: 'v1.5' },
      options: ['zeroInitResidual'],
      standardLayersOnly: true,
      build: () => undefined,
    });
    expect(entry).toMatchObject({
      trainableParams: 25_557_032,
      totalParams: 25_610_152,
      macs: 4_089_184_256,
      inputShape: [224, 224, 3],
      numClasses: 1000,
      extra: [['standardLayersOnly', 'true']],
    });
    const page = modelPage(entry);
    expect(page).toContain('- **Multiply-accumulates per image**: 4.09 G (4,089,184,256)');
    expect(page).toContain('- **Total parameters**: 25,610,152');
    expect(page).toContain('ResNet-50 &lt;torchvision&gt;');
    expect(page).toContain("createModel('resnet50'); // 224×224×3 input, 1000 classes");
    expect(page).toContain('inputShape: [28, 28, 1]');
  });

  it('lists an entry with nothing but a name, and adds a MACs column only when some entry has MACs', () => {
    const bare = catalogueEntry({ name: 'mystery' });
    expect(bare).toMatchObject({ name: 'mystery', family: 'other', options: [], extra: [] });
    expect(catalogueIndex([bare])).not.toContain('MACs');
    expect(modelPage(bare)).toContain("createModel('mystery'); // default input, outputs logits");
    const withMacs = catalogueEntry({ name: 'm', family: 'f', multiplyAccumulates: 2_000_000 });
    expect(catalogueIndex([bare, withMacs])).toMatch(/\| \[`m`\]\(\.\/m\.md\) \| {2}\| 2\.00 M \|/);
  });

  it('says a segmentation entry outputs per-pixel logits, without the digits example', () => {
    const page = modelPage(
      catalogueEntry({
        name: 'unet_resnet34',
        family: 'unet',
        task: 'semantic-segmentation',
        defaultInputShape: [512, 512, 3],
        defaultNumClasses: 21,
      }),
    );
    expect(page).toContain('- **Task**: `semantic-segmentation`');
    expect(page).toContain(
      "createModel('unet_resnet34'); // 512×512×3 input, 21 classes, outputs per-pixel logits [batch, height, width, classes]",
    );
    expect(page).not.toContain('inputShape: [28, 28, 1]');
    expect(page).not.toContain('residual train');
  });
});

describe('the CLI reference', () => {
  it('documents every command, option and example from the definitions', () => {
    const page = cliReference(COMMANDS);
    for (const command of COMMANDS) {
      expect(page).toContain(`## residual ${command.name}`);
      for (const option of command.options) expect(page).toContain(`\`--${option.name}`);
      for (const example of command.examples) expect(page).toContain(example);
    }
    expect(page).toContain('residual summary <model> [options]');
    expect(page).toMatch(/\| `<model>` \| Architecture from the registry/);
  });
});

describe('the benchmark tables', () => {
  it('renders scalars as a list and arrays of records as tables', () => {
    const section = resultSection('kernels', 'bench/results/kernels.json', {
      machine: 'x86_64, 2 cores',
      rows: [
        { kernel: 'Conv2D', backend: 'wasm', gflops: 8.7512 },
        { kernel: 'Conv2DBackpropFilter', backend: 'wasm', gflops: 6.1 },
      ],
    });
    expect(section).toContain('- **machine**: x86_64, 2 cores');
    expect(section).toContain('| kernel | backend | gflops |');
    expect(section).toContain('| Conv2D | wasm | 8.751 |');
  });
});
