import { type BackendName, initBackend } from '@residual/backend';

/**
 * Starts TensorFlow.js for a demo, or the backend the visitor picked. By default: WebGL when the
 * browser has a GPU behind it, else WASM, else cpu — `initBackend`'s browser order, except that a
 * software WebGL (SwiftShader, llvmpipe: what browsers offer when the GPU is blocked or absent)
 * is skipped, because WASM trains many times faster than an emulated GPU.
 * `wasmPaths` is where this site serves TensorFlow.js's WASM binaries (copied by the docs build).
 */
export async function startBackend(wasmPaths: string, backend?: BackendName): Promise<SiteBackend> {
  if (backend === undefined && softwareWebGL()) {
    try {
      return describe(await initBackend({ wasmPaths, backend: 'wasm' }));
    } catch {
      // No WASM either (very old browser): let initBackend choose among what is left.
    }
  }
  return describe(await initBackend({ wasmPaths, backend }));
}

/** The backend a demo runs on, and how many threads its WASM kernels use (1 elsewhere). */
export interface SiteBackend {
  name: BackendName;
  threads: number;
  /** What the status line shows: `wasm, 4 threads` when threaded, else the name. */
  label: string;
}

/**
 * tfjs loads its threaded WASM binary, and XNNPACK (which runs most of our training kernels'
 * arithmetic too) spreads work over a pool of workers, only where the page is cross-origin
 * isolated: SharedArrayBuffer needs it. `.vitepress/cross-origin-isolation.ts` sees to that.
 * The pool has half as many threads as the browser reports logical cores (tfjs's choice).
 */
async function describe(name: BackendName): Promise<SiteBackend> {
  const threads =
    name === 'wasm' ? (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount() : 1;
  return { name, threads, label: threads > 1 ? `${name}, ${threads} threads` : name };
}

/** The WebGL renderer's name when it is a CPU emulation of a GPU; undefined otherwise. */
export function softwareWebGL(): string | undefined {
  if (typeof document === 'undefined') return undefined;
  const gl =
    document.createElement('canvas').getContext('webgl2') ??
    document.createElement('canvas').getContext('webgl');
  if (gl === null) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? renderer : undefined;
}
