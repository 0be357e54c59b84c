import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createApp, type AppOptions } from '../app.ts';
import { ModelRegistry } from '../core/registry.ts';
import type { RuntimeOptions } from '../core/runtime.ts';
import { onNotFound } from '../middleware/errors.ts';
import { nodeAlignerProvider } from './aligner.ts';
import { fileModelSource } from './file-source.ts';
import { nodeJpegCodec } from './jpeg.ts';

export interface NodeServerOptions extends Omit<AppOptions, 'registry'> {
  /** Folder of model folders (models/). */
  modelsDir: string;
  /** The built site (site/dist); optional so the API runs before the site is built. */
  siteDir?: string;
}

const SITE_MISSING = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>latentlab</title></head>
<body><h1>latentlab</h1><p>The API is running; the site has not been built (<code>npm run build</code> in site/).</p>
<p><a href="/v1/docs">API reference</a> · <a href="/v1/models">models</a></p></body></html>`;

/**
 * Small models gain nothing from intra-op threads, and under load their spinning threads fight each other;
 * one single-threaded run per core serves concurrent requests better than one multi-threaded run at a time.
 */
export function nodeRuntimeOptions(): RuntimeOptions {
  return { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 }, maxConcurrentRuns: availableParallelism() };
}

/** The API plus static files: model artifacts under /models/ and the built site at /. */
export function createNodeApp(options: NodeServerOptions) {
  const registry = new ModelRegistry(fileModelSource(options.modelsDir), ort, { runtime: nodeRuntimeOptions() });
  const api = createApp({ aligner: nodeAlignerProvider(options.modelsDir), jpeg: nodeJpegCodec(), ...options, registry });
  const root = new Hono();
  root.route('/', api);
  root.all('/v1/*', onNotFound);
  // Widgets on any blog load widgets.js, onnxruntime's wasm and the model files from here.
  root.use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'] }));
  root.use(
    '/models/*',
    serveStatic({ root: options.modelsDir, rewriteRequestPath: (path) => path.replace(/^\/models/, '') }),
  );
  root.get('/models/*', (c) => c.json({ error: { code: 'not_found', message: `no file ${c.req.path}` } }, 404));
  const siteDir = options.siteDir && existsSync(options.siteDir) ? options.siteDir : undefined;
  if (siteDir) {
    root.use('/*', serveStatic({ root: siteDir }));
    const notFoundPage = join(siteDir, '404.html');
    root.get('*', existsSync(notFoundPage) ? serveStatic({ path: notFoundPage }) : (c) => c.text('Not found', 404));
  } else {
    root.get('/', (c) => c.html(SITE_MISSING));
  }
  return { app: root, registry };
}

export interface RunningServer {
  server: ServerType;
  port: number;
  registry: ModelRegistry;
  close(): Promise<void>;
}

/** Starts the Node server; port 0 picks a free port (used by tests and the benchmark). */
export function startNodeServer(options: NodeServerOptions & { port: number; hostname?: string }): Promise<RunningServer> {
  const { app, registry } = createNodeApp(options);
  return new Promise((resolveStart) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname ?? '127.0.0.1' }, (info) => {
      resolveStart({
        server,
        port: info.port,
        registry,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
