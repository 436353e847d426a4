// A local HTTP server on 127.0.0.1 for download tests (not exported by the package): serves
// files, and misbehaves on request in the ways real servers do.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  body?: Uint8Array;
  /** Answer with this status and no body (e.g. 404, 503). */
  status?: number;
  /** Declare the full length but close the connection after this many bytes. */
  truncateAt?: number;
  /** Send this many bytes, then nothing more, keeping the connection open. */
  stallAt?: number;
  /** Misbehave (status / truncate / stall) only on the first n requests, then serve normally. */
  failures?: number;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests received per path. */
  hits: Map<string, number>;
  route(path: string, route: Route): void;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    const route = routes.get(path);
    if (route === undefined) {
      response.writeHead(404, 'Not Found').end();
      return;
    }
    const misbehave = route.failures === undefined || count <= route.failures;
    const body = route.body ?? new Uint8Array(0);
    if (misbehave && route.status !== undefined) {
      response.writeHead(route.status).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
    });
    if (misbehave && route.truncateAt !== undefined) {
      response.write(body.subarray(0, route.truncateAt), () => response.destroy());
      return;
    }
    if (misbehave && route.stallAt !== undefined) {
      response.write(body.subarray(0, route.stallAt));
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    route: (path, route) => void routes.set(path, route),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
