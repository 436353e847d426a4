import { join } from 'node:path';
import { type ColdImport, coldImports, importTargets, TFJS } from './cold-import.js';
import { FIRST_STEP_ARGS, type FirstStepRun, firstStepRuns } from './first-step.js';
import { fixed, formatTable } from './table.js';
import { median } from './timing.js';

/** The startup section of pnpm bench: what a user waits for before any training happens. */
export interface StartupResult {
  coldImports: {
    package: string;
    /** Whether it imports tfjs too: the "over tfjs" column is only shown for these. */
    importsTfjs: boolean;
    /** Medians over the runs, seconds. */
    nodeBootSeconds: number;
    importSeconds: number;
    runs: ColdImport[];
  }[];
  firstStep: {
    command: string;
    /** Medians over the runs, seconds. */
    firstOutputSeconds: number;
    firstStepSeconds: number;
    nextStepSeconds: number;
    exitSeconds: number;
    runs: FirstStepRun[];
  };
}

export interface StartupRuns {
  /** Fresh processes per package. */
  imports: number;
  /** Runs of `residual train`. */
  train: number;
}

/** Five fresh imports per package and three training runs; a --quick run does two and one. */
export function startupRuns(quick: boolean): StartupRuns {
  return quick ? { imports: 2, train: 1 } : { imports: 5, train: 3 };
}

/** Cold imports of tfjs and every published package, then `residual train` to its first step. */
export async function measureStartup(
  root: string,
  runs: StartupRuns,
  log: (message: string) => void,
): Promise<StartupResult> {
  const targets = importTargets(root);
  log(`startup: cold import of ${targets.length} packages, ${runs.imports} fresh processes each`);
  const imports = await coldImports(targets, runs.imports);
  log(`startup: residual train to its first step (runs: ${runs.train})`);
  const train = await firstStepRuns(join(root, 'apps', 'cli', 'dist', 'bin.js'), runs.train);
  const medianOf = <T>(values: T[], pick: (value: T) => number) => median(values.map(pick));
  return {
    coldImports: [...imports].map(([target, times]) => ({
      package: target.name,
      importsTfjs: target.importsTfjs,
      nodeBootSeconds: medianOf(times, (t) => t.nodeBootSeconds),
      importSeconds: medianOf(times, (t) => t.importSeconds),
      runs: times,
    })),
    firstStep: {
      command: `residual ${FIRST_STEP_ARGS.join(' ')} --out <temporary folder>`,
      firstOutputSeconds: medianOf(train, (r) => r.firstOutputSeconds),
      firstStepSeconds: medianOf(train, (r) => r.firstStepSeconds),
      nextStepSeconds: medianOf(train, (r) => r.nextStepSeconds),
      exitSeconds: medianOf(train, (r) => r.exitSeconds),
      runs: train,
    },
  };
}

/** The two startup tables, milliseconds for imports and seconds for the training run. */
export function startupTables(result: StartupResult, runs: StartupRuns): string {
  const ms = (seconds: number) => fixed(seconds * 1000, 0);
  const baseline = result.coldImports.find((i) => i.package === TFJS)?.importSeconds;
  const importRows = result.coldImports.map((i) => [
    i.package,
    ms(i.importSeconds),
    i.package === TFJS || !i.importsTfjs || baseline === undefined
      ? '–'
      : ms(i.importSeconds - baseline),
    ms(i.nodeBootSeconds),
  ]);
  const train = result.firstStep;
  return [
    `\nCold import, ms (median of ${runs.imports} fresh node processes; the import alone, ` +
      "timed in the child after Node's own boot, which is the last column)\n",
    formatTable(['package', 'import', `over ${TFJS}`, 'node boot'], importRows),
    `\nFrom spawning \`${train.command}\` to its output, s (median of ${runs.train}; ` +
      'wall time, Node boot included; "next step" is step 1\'s line to step 2\'s)\n',
    formatTable(
      ['first output', 'step 1 printed', 'next step', 'exit'],
      [
        [
          fixed(train.firstOutputSeconds, 2),
          fixed(train.firstStepSeconds, 2),
          fixed(train.nextStepSeconds, 2),
          fixed(train.exitSeconds, 2),
        ],
      ],
    ),
  ].join('\n');
}
