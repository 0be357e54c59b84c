import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { cors } from 'hono/cors';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a built site the way any static host with open CORS would (what `npm start` does for site/dist),
 * or, with `html`, a single page: the stand-in for a blog on another origin that embeds our widgets.
 */
export async function serveStaticSite(options: { dir?: string; html?: string; port?: number }): Promise<RunningServer> {
  const app = new Hono();
  app.use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'] }));
  if (options.html !== undefined) {
    const html = options.html;
    app.get('/', (c) => c.html(html));
  }
  if (options.dir) app.use('*', serveStatic({ root: path.relative(process.cwd(), options.dir) || '.' }));
  const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
