// Tests that need a peer the README's test command cannot assume (the native addon, PyTorch,
// a browser) skip with their reason on a contributor's machine and FAIL where the peer must
// be there: under CI, or when the peer's RESIDUAL_REQUIRE_*=1 asks for it. A skip is never
// silent: the reason is printed once per file and given to each skipped test.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether an executable named `name` is on PATH. */
export function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

/** Whether a C++ compiler node-gyp would use is installed. */
export function hasCppCompiler() {
  return ['c++', 'g++', 'clang++'].some(onPath) || process.env.CXX !== undefined;
}

/**
 * @param {{ peer: string; missing: string | undefined; requireEnv: string; requiredInCi?: boolean; hint?: string }} options
 * @returns {string | undefined} why the tests skip, or undefined when the peer is there
 */
export function peerSkipReason({ peer, missing, requireEnv, requiredInCi = true, hint = '' }) {
  if (missing === undefined) return undefined;
  const required = process.env[requireEnv] === '1' || (requiredInCi && process.env.CI === 'true');
  if (required) {
    throw new Error(
      `${peer} is required here (${process.env[requireEnv] === '1' ? `${requireEnv}=1` : 'CI=true'}) ` +
        `but ${missing}.${hint === '' ? '' : ` ${hint}`}`,
    );
  }
  const reason = `${peer}: ${missing}`;
  console.warn(`SKIPPED (${reason}).${hint === '' ? '' : ` ${hint}`}`);
  return reason;
}

/**
 * The native kernels' gate: required under RESIDUAL_REQUIRE_NATIVE=1 (set by .ci/run), and
 * under CI=true on a machine with a C++ compiler, where a missing addon means its build failed.
 * @param {{ available: boolean; reason?: string }} status nativeStatus() or nativeKernelStatus()
 */
export function nativeSkipReason(status) {
  return peerSkipReason({
    peer: 'the native addon (@residual/backend-native)',
    missing: status.available ? undefined : status.reason,
    requireEnv: 'RESIDUAL_REQUIRE_NATIVE',
    requiredInCi: hasCppCompiler(),
    hint: 'Build them with `pnpm --filter @residual/backend-native build:addon`.',
  });
}
