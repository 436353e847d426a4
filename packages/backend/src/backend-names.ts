/** Every backend name `initBackend` understands, fastest first within each environment. */
export const NODE_BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

export type BackendName = (typeof NODE_BACKENDS)[number] | (typeof BROWSER_BACKENDS)[number];

export const KNOWN_BACKENDS: readonly BackendName[] = [
  ...new Set<BackendName>([...NODE_BACKENDS, ...BROWSER_BACKENDS]),
];

export function isBackendName(name: string): name is BackendName {
  return (KNOWN_BACKENDS as readonly string[]).includes(name);
}

/** True in Node.js (and not in a browser page or a web worker). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && process.versions?.node !== undefined;
}

/** The order `initBackend` tries backends in when none is forced. */
export function preferredBackends(): readonly BackendName[] {
  return isNode() ? NODE_BACKENDS : BROWSER_BACKENDS;
}
