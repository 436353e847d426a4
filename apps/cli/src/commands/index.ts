import type { Command } from '../command.js';
import { datasetsCommand } from './datasets.js';
import { modelsCommand } from './models.js';
import { trainCommand } from './train.js';

/** Every command, in the order `residual --help` lists them. */
export const COMMANDS: readonly Command[] = [trainCommand, modelsCommand, datasetsCommand];
