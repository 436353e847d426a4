import type { Command } from '../command.js';
import { datasetsCommand } from './datasets.js';
import { evalCommand } from './eval.js';
import { gradientFlowCommand } from './gradient-flow.js';
import { initStudyCommand } from './init-study.js';
import { modelsCommand } from './models.js';
import { summaryCommand } from './summary.js';
import { trainCommand } from './train.js';

/** Every command, in the order `residual --help` lists them. */
export const COMMANDS: readonly Command[] = [
  trainCommand,
  evalCommand,
  gradientFlowCommand,
  initStudyCommand,
  modelsCommand,
  summaryCommand,
  datasetsCommand,
];
