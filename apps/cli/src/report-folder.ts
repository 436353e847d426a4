import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkWritableDirectory,
  createDirectory,
  RunDirectoryError,
  writeFileAtomic,
} from '@residual/train';
import type { Terminal } from './terminal.js';
import { UsageError } from './usage-error.js';

/**
 * Checks the --out folder of a command that writes a report (gradient-flow, init-study) before
 * any work starts, so that a study of minutes never ends in an unwritable folder: a folder that
 * holds a report or anything else is refused (a report is never mixed into someone else's
 * files), and one that cannot be created or written is a user error naming it.
 */
export async function checkReportFolder(
  command: string,
  out: string,
  reportFile: string,
): Promise<void> {
  const entries = await readdir(out).catch(() => undefined);
  if (entries?.includes(reportFile)) {
    throw new UsageError(
      `${command} --out: ${out} already holds a report; choose another directory.`,
    );
  }
  if (entries !== undefined && entries.length > 0) {
    throw new UsageError(`${command} --out: ${out} is not empty; choose another directory.`);
  }
  await checkWritableDirectory(out).catch((error: unknown) => {
    if (error instanceof RunDirectoryError)
      throw new UsageError(`${command} --out: ${error.message}`);
    throw error;
  });
}

/** A study's report, as the study commands write it. */
export interface StudyReport {
  /** Written as the JSON file, and printed alone with --json. */
  report: object;
  svg: string;
  /** The table printed without --json. */
  table: string;
}

/**
 * Writes the JSON report and the SVG chart into the folder `checkReportFolder` accepted, then
 * prints the JSON (--json) or the table. Returns the exit status.
 */
export async function writeStudyReport(
  out: string,
  files: { json: string; svg: string },
  { report, svg, table }: StudyReport,
  json: boolean,
  terminal: Terminal,
): Promise<number> {
  const text = `${JSON.stringify(report, null, 2)}\n`;
  await createDirectory(out);
  await writeFileAtomic(join(out, files.svg), svg);
  await writeFileAtomic(join(out, files.json), text);
  terminal.out(json ? text : `${table}\nreport and chart written to ${out}\n`);
  return 0;
}
