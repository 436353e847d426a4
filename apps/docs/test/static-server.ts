import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { ISOLATION_HEADERS } from '../.vitepress/cross-origin-isolation.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  // instantiateStreaming needs the right type, as any real host sends it.
  '.wasm': 'application/wasm',
};

export interface StaticSite {
  url: string;
  /** Every path the server answered 404 for, in request order. */
  notFound: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /**
   * Send the headers that make pages cross-origin isolated (threaded WASM), as a host the docs'
   * advice was followed on does. false: none, as GitHub Pages serves (the site's service worker
   * isolates the pages then). Default: true.
   */
  isolationHeaders?: boolean;
}

/**
 * Serves the built site on 127.0.0.1 (a free port) the way a static host does: `/x` and `/x/`
 * find `x.html` and `x/index.html`, anything else is a 404 with the site's 404 page.
 */
export async function serveSite(root: string, options: ServeOptions = {}): Promise<StaticSite> {
  const isolation = options.isolationHeaders === false ? {} : ISOLATION_HEADERS;
  const notFound: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = await findFile(root, path);
    if (file === undefined) {
      notFound.push(path);
      response.writeHead(404, { 'content-type': TYPES['.html'], ...isolation });
      createReadStream(join(root, '404.html')).pipe(response);
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      ...isolation,
      // Built assets have content hashes in their names; hosts let browsers keep them.
      ...(path.startsWith('/assets/')
        ? { 'cache-control': 'public, max-age=31536000, immutable' }
        : {}),
    });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notFound,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function findFile(root: string, path: string): Promise<string | undefined> {
  const safe = normalize(path).replace(/^(\.\.[/\\])+/, '');
  for (const candidate of [safe, `${safe}.html`, join(safe, 'index.html')]) {
    const file = join(root, candidate);
    if (!file.startsWith(root)) return undefined;
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) return file;
  }
  return undefined;
}
