import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DATA_DIR_ENV,
  defaultDataDir,
  listDatasets,
  listSegmentationDatasets,
  listTextDatasets,
  locateDataset,
} from '@residual/datasets';
import { defineCommand, JSON_OPTION } from '../command.js';
import { formatTable } from '../format.js';
import { text } from '../options.js';

/** The `--data-dir` option `datasets` and `train` share. */
export const DATA_DIR_OPTION = text('data-dir', {
  placeholder: 'dir',
  description: `Folder of data sets: files are looked for in <dir>/<name>/ and <dir>, and downloaded to <dir>/<name>/ (default: $${DATA_DIR_ENV}, else the user cache folder).`,
});

export const datasetsCommand = defineCommand({
  name: 'datasets',
  summary: 'List the data sets with their size, shape and classes, and whether they are here.',
  description:
    'Lists every named data set (use the name with `residual train --dataset`): its training ' +
    'and test images, image shape, number of classes, download size, and whether its files are ' +
    'already in the data folder. `residual train --dataset <name> --download` fetches a missing ' +
    'one, verified by SHA-256. A path to a folder works as a data set too: the standard files ' +
    'of one of these, or one subfolder of PNG/JPEG images per class. Segmentation data sets ' +
    '(a class per pixel, for unet_*, fpn_*, fcn_* and deeplabv3_*) are listed in a table of ' +
    'their own: shapes and digit-mosaics are generated, seeded, nothing to download; a folder ' +
    "in Pascal VOC's layout, or images/ beside masks/ (PNG masks of class indices, 255 ignored), " +
    'works too.',
  options: [DATA_DIR_OPTION, JSON_OPTION],
  examples: ['residual datasets', 'residual datasets --data-dir ~/data --json'],
  async run(values, terminal) {
    const dataDir = values['data-dir'] ?? defaultDataDir();
    const rows = await Promise.all(
      listDatasets().map(async (info) => {
        const { found, location } = await locateDataset(info.name, { dataDir });
        return {
          name: info.name,
          title: info.title,
          trainImages: info.trainCount,
          testImages: info.testCount,
          imageShape: [...info.imageShape],
          numClasses: info.numClasses,
          downloadBytes: info.files.reduce((sum, file) => sum + file.size, 0),
          bundled: info.format === 'bundled',
          cached: found,
          location,
          homepage: info.homepage,
        };
      }),
    );
    const texts = await Promise.all(
      listTextDatasets().map(async (info) => {
        const location =
          info.file === undefined ? 'bundled with @residual/datasets' : join(dataDir, info.name);
        const cached =
          info.file === undefined ||
          (await access(join(location, info.file.name)).then(
            () => true,
            () => false,
          ));
        return {
          name: info.name,
          title: info.title,
          characters: info.characters,
          downloadBytes: info.file?.size ?? 0,
          bundled: info.file === undefined,
          cached,
          location,
          license: info.license,
          homepage: info.homepage,
        };
      }),
    );
    const segmentation = listSegmentationDatasets().map((info) => ({
      name: info.name,
      title: info.title,
      trainImages: info.trainCount,
      testImages: info.testCount,
      imageShape: [...info.imageShape],
      numClasses: info.numClasses,
      classNames: [...info.classNames],
      generated: info.format === 'generated',
    }));
    if (values.json) {
      terminal.out(
        `${JSON.stringify({ dataDir, datasets: rows, segmentation, texts }, null, 2)}\n`,
      );
      return 0;
    }
    const table = [
      ['dataset', 'train', 'test', 'shape', 'classes', 'download', 'here?'],
      ...rows.map((r) => [
        r.name,
        r.trainImages.toLocaleString('en-US'),
        r.testImages.toLocaleString('en-US'),
        r.imageShape.join('×'),
        String(r.numClasses),
        r.bundled ? '-' : `${(r.downloadBytes / 1e6).toFixed(1)} MB`,
        r.bundled ? 'bundled' : r.cached ? `yes, in ${r.location}` : 'no',
      ]),
    ];
    const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
    const numeric = new Set([1, 2, 4, 5]);
    for (const row of table) {
      terminal.out(
        `${row
          .map((cell, col) =>
            numeric.has(col) ? cell.padStart(widths[col]) : cell.padEnd(widths[col]),
          )
          .join('  ')
          .trimEnd()}\n`,
      );
    }
    terminal.out(
      '\nsegmentation, a class per pixel (residual train --model unet_resnet18 --dataset <name>):\n',
    );
    terminal.out(
      formatTable(
        [
          ['  dataset', 'train', 'test', 'shape', 'classes', 'here?'],
          ...segmentation.map((r) => [
            `  ${r.name}`,
            r.trainImages.toLocaleString('en-US'),
            r.testImages.toLocaleString('en-US'),
            r.imageShape.join('×'),
            `${r.numClasses} (${r.classNames.join(', ')})`,
            'generated',
          ]),
        ],
        [1, 2],
      ),
    );
    terminal.out(
      '\ntext for language models (residual train --model gpt_char_micro --dataset <name>):\n',
    );
    for (const text of texts) {
      const where = text.bundled ? 'bundled' : text.cached ? `yes, in ${text.location}` : 'no';
      terminal.out(
        `  ${text.name.padEnd(18)}${text.characters.toLocaleString('en-US').padStart(10)} characters  ${text.bundled ? '' : `${(text.downloadBytes / 1e6).toFixed(1)} MB  `}${where}\n`,
      );
    }
    terminal.out(
      `\ndata folder: ${dataDir} (change it with --data-dir or ${DATA_DIR_ENV}); fetch a data set with 'residual train --dataset <name> --download'\n`,
    );
    return 0;
  },
});
