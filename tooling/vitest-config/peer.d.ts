/** Whether an executable named `name` is on PATH. */
export declare function onPath(name: string): boolean;
/** Whether a C++ compiler node-gyp would use is installed. */
export declare function hasCppCompiler(): boolean;
/**
 * Why a test's peer is missing (printed once), or undefined when it is there; throws when the
 * peer is required (`requireEnv`=1, or CI=true when `requiredInCi`).
 */
export declare function peerSkipReason(options: {
  peer: string;
  missing: string | undefined;
  requireEnv: string;
  requiredInCi?: boolean;
  hint?: string;
}): string | undefined;
/** The native kernels' gate (RESIDUAL_REQUIRE_NATIVE=1, or CI=true with a C++ compiler). */
export declare function nativeSkipReason(status: {
  available: boolean;
  reason?: string;
}): string | undefined;
