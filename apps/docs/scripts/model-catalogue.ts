import { join } from 'node:path';
import { listModels } from '@residual/models';
import { code, compact, escapeText, fence, integer, table } from './markdown.js';
import { FRAGMENTS_DIR, MODELS_DIR } from './paths.js';
import { resetDir, writeText } from './write-file.js';

/**
 * One registry entry as the catalogue shows it. The registry grows (more families, more
 * metadata), so every field but the name is read defensively from whatever the entry carries.
 */
export interface CatalogueEntry {
  name: string;
  family: string;
  description?: string;
  trainableParams?: number;
  totalParams?: number;
  /** Multiply-accumulates per image at the default input size. */
  macs?: number;
  inputShape?: readonly number[];
  numClasses?: number;
  /** What the model does: 'image-classification' (the default), 'semantic-segmentation', … */
  task?: string;
  reference?: { title: string; url?: string; detail?: string };
  options: readonly string[];
  /** Metadata the catalogue has no column for, shown as it is. */
  extra: [string, string][];
}

const KNOWN_FIELDS = new Set([
  'name',
  'family',
  'description',
  'trainableParams',
  'totalParams',
  'parameters',
  'params',
  'macs',
  'multiplyAccumulates',
  'defaultInputShape',
  'inputShape',
  'defaultNumClasses',
  'numClasses',
  'task',
  'reference',
  'options',
  'build',
]);

export function catalogueEntry(entry: object): CatalogueEntry {
  const record = entry as Record<string, unknown>;
  const params = record.parameters as Record<string, unknown> | undefined;
  const number = (...values: unknown[]) =>
    values.find((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const shape = [record.defaultInputShape, record.inputShape].find(
    (v): v is number[] => Array.isArray(v) && v.every((d) => typeof d === 'number'),
  );
  const reference = record.reference as CatalogueEntry['reference'] | string | undefined;
  return {
    name: String(record.name),
    family: typeof record.family === 'string' ? record.family : 'other',
    description: typeof record.description === 'string' ? record.description : undefined,
    trainableParams: number(record.trainableParams, params?.trainable, record.params),
    totalParams: number(record.totalParams, params?.total),
    macs: number(record.macs, record.multiplyAccumulates),
    inputShape: shape,
    numClasses: number(record.defaultNumClasses, record.numClasses),
    task: typeof record.task === 'string' ? record.task : undefined,
    reference:
      typeof reference === 'string'
        ? { title: reference }
        : reference && typeof reference.title === 'string'
          ? reference
          : undefined,
    options: Array.isArray(record.options) ? record.options.map(String) : [],
    extra: Object.entries(record)
      .filter(([key, value]) => !KNOWN_FIELDS.has(key) && isShowable(value))
      .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
  };
}

function isShowable(value: unknown): boolean {
  if (typeof value === 'function' || value === undefined || value === null) return false;
  if (typeof value !== 'object') return true;
  const json = JSON.stringify(value);
  return json !== undefined && json.length <= 200;
}

/** Writes `models/index.md` (every entry, by family) and `models/<name>.md` per entry. */
export async function generateModelCatalogue(): Promise<CatalogueEntry[]> {
  const entries = listModels().map(catalogueEntry);
  await resetDir(MODELS_DIR);
  await writeText(join(MODELS_DIR, 'index.md'), catalogueIndex(entries));
  for (const entry of entries) {
    await writeText(join(MODELS_DIR, `${entry.name}.md`), modelPage(entry));
  }
  await writeText(
    join(FRAGMENTS_DIR, 'models-sidebar.json'),
    JSON.stringify(sidebar(entries), null, 2),
  );
  return entries;
}

export function catalogueIndex(entries: readonly CatalogueEntry[]): string {
  const families = [...new Set(entries.map((e) => e.family))];
  const hasMacs = entries.some((e) => e.macs !== undefined);
  const sections = families.map((family) => {
    const members = entries.filter((e) => e.family === family);
    const rows = members.map((e) => [
      `[${code(e.name)}](./${e.name}.md)`,
      e.trainableParams === undefined ? '' : integer(e.trainableParams),
      ...(hasMacs ? [e.macs === undefined ? '' : compact(e.macs)] : []),
      e.inputShape ? e.inputShape.join('×') : '',
      e.reference ? referenceLink(e.reference, false) : '',
    ]);
    const header = [
      'model',
      'trainable params',
      ...(hasMacs ? ['MACs / image'] : []),
      'input',
      'reference',
    ];
    return [`## ${code(family)}`, table(header, rows)].join('\n\n');
  });
  return [
    '---',
    'title: Model catalogue',
    'outline: [2, 2]',
    '---',
    '',
    '# Model catalogue',
    '',
    `Every architecture in the \`@residual/models\` registry (${entries.length} models in ` +
      `${families.length} families), generated from \`listModels()\` when this site was built. ` +
      'Parameter counts are trainable parameters at the default input shape and number of ' +
      'classes, as PyTorch counts them' +
      (hasMacs ? '; MACs are multiply-accumulates for one image at the default input size.' : '.') +
      ' Open a model for the code that creates it, or build any of them in your browser in the ' +
      '[model explorer](../demos/model-explorer.md).',
    '',
    '<div class="model-catalogue">',
    '',
    sections.join('\n\n'),
    '',
    '</div>',
  ].join('\n');
}

export function modelPage(entry: CatalogueEntry): string {
  const facts: [string, string][] = [['Family', code(entry.family)]];
  if (entry.task !== undefined) facts.push(['Task', code(entry.task)]);
  if (entry.trainableParams !== undefined)
    facts.push(['Trainable parameters', integer(entry.trainableParams)]);
  if (entry.totalParams !== undefined) facts.push(['Total parameters', integer(entry.totalParams)]);
  if (entry.macs !== undefined)
    facts.push([
      'Multiply-accumulates per image',
      `${compact(entry.macs)} (${integer(entry.macs)})`,
    ]);
  if (entry.inputShape) facts.push(['Default input', `${entry.inputShape.join('×')} (H×W×C)`]);
  if (entry.numClasses !== undefined) facts.push(['Default classes', String(entry.numClasses)]);
  if (entry.reference) facts.push(['Reference', referenceLink(entry.reference, true)]);
  if (entry.options.length) facts.push(['Options', entry.options.map((o) => code(o)).join(', ')]);
  for (const [key, value] of entry.extra) facts.push([code(key), escapeText(value)]);

  const shape = entry.inputShape ? `${entry.inputShape.join('×')} input` : 'default input';
  const classes = entry.numClasses === undefined ? '' : `, ${entry.numClasses} classes`;
  const task = entry.task ?? 'image-classification';
  const outputs =
    task === 'semantic-segmentation'
      ? 'outputs per-pixel logits [batch, height, width, classes]'
      : 'outputs logits';
  // The digits are a classification data set (and 28 pixels fit no stride-32 decoder).
  const digitsLine =
    task === 'image-classification' && entry.inputShape && entry.inputShape[2] !== 1
      ? `\n// On the bundled digits (28×28 grey, 10 classes):\nconst forDigits = createModel('${entry.name}', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });`
      : '';
  return [
    '---',
    `title: ${entry.name}`,
    '---',
    '',
    `# ${entry.name}`,
    '',
    entry.description ? escapeText(entry.description) : '',
    '',
    facts.map(([label, value]) => `- **${label}**: ${value}`).join('\n'),
    '',
    '## Create it',
    '',
    fence(
      'ts',
      `import { initBackend } from '@residual/backend';\nimport { createModel } from '@residual/models';\n\nawait initBackend();\nconst model = createModel('${entry.name}'); // ${shape}${classes}, ${outputs}${digitsLine}`,
    ),
    '',
    // `residual train` trains classifiers and language models; it has no segmentation data
    // sets yet, so a segmentation entry's page does not offer the command.
    ...(task === 'semantic-segmentation'
      ? []
      : [
          'Train it from the command line:',
          '',
          fence('sh', `residual train --model ${entry.name}`),
          '',
        ]),
    `See its layers in the [model explorer](../demos/model-explorer.md?model=${entry.name}), ` +
      'which builds it in your browser.',
    '',
  ].join('\n');
}

/** The catalogue's sidebar: one collapsible group per family. */
function sidebar(entries: readonly CatalogueEntry[]) {
  return [...new Set(entries.map((e) => e.family))].map((family) => ({
    text: family,
    collapsed: true,
    items: entries
      .filter((e) => e.family === family)
      .map((e) => ({ text: e.name, link: `/models/${e.name}` })),
  }));
}

/**
 * The reference as a link: in full on a model's page; in the index, shortened to the authors and
 * year when the title has the form "Authors Year: Title", with what the entry reproduces.
 */
function referenceLink(reference: NonNullable<CatalogueEntry['reference']>, full: boolean): string {
  const short = /^([^:]{3,60}\d{4}):/.exec(reference.title)?.[1];
  const title = escapeText(full || short === undefined ? reference.title : short);
  const text = reference.url ? `[${title}](${reference.url})` : title;
  return reference.detail ? `${text}: ${escapeText(reference.detail)}` : text;
}
