import type { Terminal } from '../src/terminal.js';

/** A terminal that records what a command writes. */
export function recordingTerminal(
  interactive = false,
): Terminal & { stdout: string; stderr: string } {
  const terminal = {
    stdout: '',
    stderr: '',
    interactive,
    columns: 80,
    out(text: string) {
      terminal.stdout += text;
    },
    err(text: string) {
      terminal.stderr += text;
    },
  };
  return terminal;
}
