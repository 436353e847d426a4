import { isResidualError } from '@residual/backend';
import { COMMANDS } from './commands/index.js';
import { commandHelp, programHelp } from './help.js';
import { parseOptions } from './parse-options.js';
import type { Terminal } from './terminal.js';
import { UsageError } from './usage-error.js';

/**
 * Runs `residual <args>` and resolves to the exit status: 0 on success, 2 for a user error
 * (printed as one line, no stack trace), 1 for anything else (a bug: printed with its stack).
 */
export async function run(args: string[], terminal: Terminal): Promise<number> {
  try {
    const [name, ...rest] = args;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      terminal.out(programHelp(COMMANDS));
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (command === undefined) {
      throw new UsageError(
        `unknown command '${name}'. Commands: ${COMMANDS.map((c) => c.name).join(', ')}.`,
      );
    }
    const values = parseOptions(command.name, command.options, rest, command.positionals);
    if (values.help) {
      terminal.out(commandHelp(command));
      return 0;
    }
    return await command.run(values, terminal);
  } catch (error) {
    if (isResidualError(error)) {
      terminal.err(`residual: ${error.message}\n`);
      return 2;
    }
    terminal.err(`residual: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
