/**
 * Cross-origin isolation for the site: where a page is isolated, SharedArrayBuffer exists and
 * TensorFlow.js runs its threaded WASM binary, so the demos can train on several cores.
 *
 * Two ways to get there: a server that sends these headers (the dev server, and any
 * host that lets you set headers), or, on static hosts that cannot (GitHub Pages), the service
 * worker in `public/cross-origin-isolation-sw.js`, which adds them to the site's own responses.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/** The service worker's file, in `public/` (so at the site's base). */
export const ISOLATION_WORKER = 'cross-origin-isolation-sw.js';

/**
 * An inline script for every page's <head>: when the server did not isolate the page, register
 * the worker and reload once it controls the page (the reload is what the headers apply to).
 * One reload per tab session at most, so a browser that ignores the headers is not looped.
 */
export function isolationScript(base: string): string {
  const worker = JSON.stringify(`${base}${ISOLATION_WORKER}`);
  const scope = JSON.stringify(base);
  return `(() => {
  const reloaded = 'residual-isolation-reload';
  if (window.crossOriginIsolated) return sessionStorage.removeItem(reloaded);
  if (!window.isSecureContext || !('serviceWorker' in navigator)) return;
  const reloadOnce = () => {
    if (sessionStorage.getItem(reloaded)) return;
    sessionStorage.setItem(reloaded, '1');
    location.reload();
  };
  if (navigator.serviceWorker.controller) reloadOnce();
  else navigator.serviceWorker.addEventListener('controllerchange', reloadOnce);
  navigator.serviceWorker.register(${worker}, { scope: ${scope} }).catch((error) => {
    console.warn('No cross-origin isolation (the demos train on one thread):', error);
  });
})();`;
}
