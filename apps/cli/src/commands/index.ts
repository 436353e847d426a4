import type { Command } from '../command.js';
import { datasetsCommand } from './datasets.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { generateCommand } from './generate.js';
import { gradientFlowCommand } from './gradient-flow.js';
import { importCommand } from './import.js';
import { initStudyCommand } from './init-study.js';
import { modelsCommand } from './models.js';
import { predictCommand } from './predict.js';
import { summaryCommand } from './summary.js';
import { trainCommand } from './train.js';

/** Every command, in the order `residual --help` lists them. */
export const COMMANDS: readonly Command[] = [
  trainCommand,
  evalCommand,
  generateCommand,
  predictCommand,
  importCommand,
  exportCommand,
  gradientFlowCommand,
  initStudyCommand,
  modelsCommand,
  summaryCommand,
  datasetsCommand,
];
