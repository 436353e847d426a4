/** The backends a training demo offers: 'auto' lets `startBackend` choose. */
export const DEMO_BACKENDS = ['auto', 'webgl', 'wasm', 'cpu'] as const;

export type DemoBackend = (typeof DEMO_BACKENDS)[number];
