// Bundled for the page that scripts/training-speed/main.ts opens in Chromium.
import { initBackend } from '@residual/backend';
import { measureTraining } from './measure.js';

declare global {
  interface Window {
    result: Promise<unknown>;
  }
}

window.result = (async () => {
  await initBackend({ backend: 'wasm', wasmPaths: new URL('/wasm/', location.href).href });
  return { crossOriginIsolated: window.crossOriginIsolated, ...(await measureTraining()) };
})();
