import type { ClassificationReport } from '@residual/metrics';
import { percent } from './progress.js';
import { formatTable } from './table.js';

/** The metrics as text tables: summary, averages, then one row per class. */
export function renderReport(report: ClassificationReport, classNames: readonly string[]): string {
  const score = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(4));
  const summary = formatTable([
    ['accuracy', percent(report.accuracy)],
    ...report.topK.map((t) => [`top-${t.k} accuracy`, percent(t.accuracy)]),
    ['log-loss', score(report.logLoss)],
    [
      `calibration error (ECE, ${report.calibrationBins.length} bins)`,
      score(report.expectedCalibrationError),
    ],
  ]);
  const averages = formatTable([
    ['average', 'precision', 'recall', 'F1'],
    ...(['macro', 'micro', 'weighted'] as const).map((kind) => [
      kind,
      score(report[kind].precision),
      score(report[kind].recall),
      score(report[kind].f1),
    ]),
  ]);
  const ill = report.illDefined;
  const mark = (value: number, undefinedFor: number[], label: number) =>
    `${score(value)}${undefinedFor.includes(label) ? '*' : ' '}`;
  const perClass = formatTable([
    ['class', 'support', 'predicted', 'precision ', 'recall ', 'F1 '],
    ...report.perClass.map((c) => [
      classNames[c.label] ?? String(c.label),
      String(c.support),
      String(c.predicted),
      mark(c.precision, ill.precision, c.label),
      mark(c.recall, ill.recall, c.label),
      mark(c.f1, ill.f1, c.label),
    ]),
  ]);
  const footnote =
    ill.precision.length + ill.recall.length + ill.f1.length > 0
      ? `* undefined (a zero denominator: never predicted or never present), counted as ${report.zeroDivision}\n`
      : '';
  return `${summary}\n${averages}\n${perClass}${footnote}`;
}
