import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { code, escapeText, table } from './markdown.js';
import { FRAGMENTS_DIR, REPO_ROOT } from './paths.js';
import { writeText } from './write-file.js';

/** Where `pnpm bench` writes its results: `bench/results/*.json` at the root or in a workspace package. */
async function findResultFiles(): Promise<string[]> {
  const roots = [REPO_ROOT];
  for (const group of ['packages', 'apps']) {
    const names = await readdir(join(REPO_ROOT, group)).catch(() => [] as string[]);
    roots.push(...names.map((name) => join(REPO_ROOT, group, name)));
  }
  const files: string[] = [];
  for (const root of roots) {
    const dir = join(root, 'bench', 'results');
    const names = await readdir(dir).catch(() => [] as string[]);
    files.push(...names.filter((n) => n.endsWith('.json')).map((n) => join(dir, n)));
  }
  return files.sort();
}

/**
 * The benchmark section of the performance guide: a table for every results file that
 * `pnpm bench` left in the repository when the site was built, or how to produce them.
 */
export async function generateBenchmarks(): Promise<number> {
  const files = await findResultFiles();
  const sections: string[] = [];
  for (const file of files) {
    const name = relative(REPO_ROOT, file);
    try {
      sections.push(
        resultSection(basename(file, '.json'), name, JSON.parse(await readFile(file, 'utf8'))),
      );
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message}); rerun pnpm bench.`);
    }
  }
  await writeText(
    join(FRAGMENTS_DIR, 'benchmarks.md'),
    sections.length > 0
      ? sections.join('\n\n')
      : [
          '::: info No benchmark results in this build',
          'This site was built without benchmark results. Run `pnpm bench` at the root of the ' +
            'repository (it writes `bench/results/*.json`), then rebuild the site with ' +
            '`pnpm --filter docs build`: the tables appear here, with the machine they ran on.',
          ':::',
        ].join('\n'),
  );
  return files.length;
}

/** Renders any results JSON: scalars as a list, arrays of records as tables, objects as sections. */
export function resultSection(title: string, file: string, result: unknown): string {
  return [`### ${escapeText(title)}`, `From ${code(file)}.`, ...renderValue(result, 4)].join(
    '\n\n',
  );
}

function renderValue(value: unknown, depth: number): string[] {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isRecord)) return [recordsTable(value)];
    return [value.map(formatCell).join(', ')];
  }
  if (!isRecord(value)) return [formatCell(value)];
  const scalars = Object.entries(value).filter(([, v]) => !isRecord(v) && !Array.isArray(v));
  const nested = Object.entries(value).filter(([, v]) => isRecord(v) || Array.isArray(v));
  const out: string[] = [];
  if (scalars.length)
    out.push(scalars.map(([k, v]) => `- **${escapeText(k)}**: ${formatCell(v)}`).join('\n'));
  for (const [key, child] of nested) {
    out.push(depth <= 6 ? `${'#'.repeat(depth)} ${escapeText(key)}` : `**${escapeText(key)}**`);
    out.push(...renderValue(child, depth + 1));
  }
  return out;
}

function recordsTable(records: Record<string, unknown>[]): string {
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return table(
    columns.map(escapeText),
    records.map((r) => columns.map((c) => formatCell(r[c]))),
  );
}

function formatCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value.toLocaleString('en-US');
    return Number(value.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 4 });
  }
  if (typeof value === 'string' || typeof value === 'boolean') return escapeText(String(value));
  return code(JSON.stringify(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
