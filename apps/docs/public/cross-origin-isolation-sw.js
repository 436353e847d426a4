// Makes this site's pages cross-origin isolated on static hosts that cannot send headers
// (GitHub Pages): it re-serves the site's own responses with the two headers that isolation
// needs. Isolated pages get SharedArrayBuffer, so TensorFlow.js loads its threaded WASM binary
// and the demos train on several cores. Registered by the script that
// .vitepress/cross-origin-isolation.ts puts in every page's <head>, only where the server did
// not isolate the page itself. Plain JavaScript: the browser loads it as it is.

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Take over at once, and take the open pages too: the page reloads when this worker controls it.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Other origins' responses are theirs to label; the site loads none (COEP would block them).
  if (new URL(request.url).origin !== self.location.origin) return;
  // DevTools asks for cached copies this way; fetch() would throw on it.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(fetch(request).then(withIsolationHeaders));
});

function withIsolationHeaders(response) {
  // Opaque and error responses have no headers to add to.
  if (response.type === 'opaque' || response.type === 'error') return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
