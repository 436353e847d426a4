export type { Command, OptionSpec } from './command.js';
export { COMMANDS } from './commands/index.js';
export { commandHelp, programHelp } from './help.js';
export { run } from './main.js';
export { describeBounds, hasBounds } from './options.js';
export type { Terminal } from './terminal.js';
