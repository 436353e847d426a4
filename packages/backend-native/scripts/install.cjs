// Compiles the native kernels from source (node-gyp) when the package is installed. Nothing is
// downloaded: the build uses the running Node.js's own headers and the machine's C++ compiler.
// The install never fails because of this step: without a compiler, Python or Node.js headers
// (or with RESIDUAL_NATIVE_BUILD=0) @residual/backend simply keeps its WebAssembly kernels.
// `--strict` (the package's build:addon script) exits non-zero on failure instead.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const strict = process.argv.includes('--strict');
const packageDir = resolve(__dirname, '..');

function giveUp(reason) {
  const message =
    `@residual/backend-native: native kernels not built (${reason}); ` +
    '@residual/backend uses its WebAssembly kernels.';
  if (strict) {
    console.error(message);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}

if (process.env.RESIDUAL_NATIVE_BUILD === '0') giveUp('RESIDUAL_NATIVE_BUILD=0');

// Official Node.js builds (and distribution packages such as Debian's libnode-dev) ship their
// headers in <prefix>/include/node; pointing node-gyp there keeps it from downloading them.
const prefix = resolve(dirname(process.execPath), '..');
const candidates = [prefix, '/usr', '/usr/local'];
const nodeDir = candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
if (nodeDir === undefined) giveUp(`no Node.js headers in ${candidates.join(', ')}/include/node`);

// npm and pnpm run install scripts with their bundled node-gyp in npm_config_node_gyp (and on
// PATH); fall back to a node-gyp on PATH.
const bundled = process.env.npm_config_node_gyp;
const [command, args] =
  bundled !== undefined && existsSync(bundled) ? [process.execPath, [bundled]] : ['node-gyp', []];
args.push('rebuild', `--nodedir=${nodeDir}`);
if (process.env.RESIDUAL_NATIVE_JOBS !== undefined) {
  args.push(`--jobs=${process.env.RESIDUAL_NATIVE_JOBS}`);
}

const result = spawnSync(command, args, {
  cwd: packageDir,
  stdio: ['ignore', strict ? 'inherit' : 'pipe', strict ? 'inherit' : 'pipe'],
  encoding: 'utf8',
});
if (result.error !== undefined) giveUp(`${command}: ${result.error.message}`);
if (result.status !== 0) {
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n');
  giveUp(`node-gyp exited with ${result.status}: ${output.slice(-3).join(' | ')}`);
}
console.log(
  `@residual/backend-native: native kernels built (${join(packageDir, 'build', 'Release')}).`,
);
