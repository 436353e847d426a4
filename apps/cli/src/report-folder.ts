import { readdir } from 'node:fs/promises';
import { checkWritableDirectory, RunDirectoryError } from '@residual/train';
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
