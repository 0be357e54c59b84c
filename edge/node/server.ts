import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createApp, type AppOptions } from '../app.ts';
import { ModelRegistry } from '#core/registry.ts';
import type { RuntimeOptions } from '#core/runtime.ts';
import { onError } from '../middleware/errors.ts';
import { NODE_SERVER_LIMITS } from '../schemas.ts';
import { fileModelSource } from './file-source.ts';
import { forwardToPool } from './forward.ts';
import { createApiPool, type ApiPool, type PoolLimits } from './pool.ts';
import { staticFiles } from './static-files.ts';
import { PRECOMPRESSED_FOLDER } from './static-policy.ts';

export interface NodeServerOptions extends Omit<AppOptions, 'registry' | 'aligner'> {
  /** Folder of model folders (models/). */
  modelsDir: string;
  /** The built site (site/dist); optional so the API runs before the site is built. */
  siteDir?: string;
  /** Worker-thread pool: threads, admission and the per-request deadline. */
  pool?: PoolLimits;
  /** Slow clients: headers must arrive within `headersMs`, the body within `bodyMs` (defaults 10 s and 30 s). */
  timeouts?: { headersMs?: number; bodyMs?: number };
}

export const DEFAULT_TIMEOUTS = { headersMs: NODE_SERVER_LIMITS.headersTimeoutMs, bodyMs: NODE_SERVER_LIMITS.bodyTimeoutMs } as const;

const SITE_MISSING = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>latentlab</title></head>
<body><h1>latentlab</h1><p>The API is running; the site has not been built (<code>npm run build</code> in site/).</p>
<p><a href="/v1/docs">API reference</a> · <a href="/v1/models">models</a></p></body></html>`;

const NOT_FOUND_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · latentlab</title></head>
<body><h1>Not found</h1><p>This page does not exist. <a href="/">latentlab</a> · <a href="/v1/docs">API reference</a></p></body></html>`;

/**
 * Small models gain nothing from intra-op threads, and under load their spinning threads fight each other;
 * one single-threaded run per core serves concurrent requests better than one multi-threaded run at a time.
 */
export function nodeRuntimeOptions(): RuntimeOptions {
  return { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 }, maxConcurrentRuns: availableParallelism() };
}

/**
 * The main thread: health, CORS preflights and static files (model artifacts under /models/, the built site at /);
 * every other /v1 request runs on the worker-thread pool.
 */
export function createNodeApp(options: NodeServerOptions) {
  const maxBodyBytes = options.maxBodyBytes ?? NODE_SERVER_LIMITS.maxBodyBytes;
  const pool = createApiPool({ modelsDir: options.modelsDir, maxBodyBytes, imageLimits: options.imageLimits }, options.pool);
  // This registry only lists model folders (for health); models load on the pool threads.
  const registry = new ModelRegistry(fileModelSource(options.modelsDir), ort);
  const local = createApp({ ...options, registry });
  const root = new Hono();
  root.onError(onError);
  root.get('/v1/health', (c) => local.fetch(c.req.raw));
  root.options('/v1/*', (c) => local.fetch(c.req.raw));
  root.all('/v1/*', forwardToPool(pool, { maxBodyBytes, bodyTimeoutMs: options.timeouts?.bodyMs ?? DEFAULT_TIMEOUTS.bodyMs }));
  // Widgets on any blog load widgets.js, onnxruntime's wasm and the model files from here.
  root.use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'] }));
  const siteDir = options.siteDir && existsSync(options.siteDir) ? options.siteDir : undefined;
  // The build's brotli and gzip variants are named by content hash, so they also serve the same bytes under models/.
  const precompressedDir = siteDir && join(siteDir, PRECOMPRESSED_FOLDER);
  root.use('/models/*', staticFiles({ roots: [options.modelsDir], stripPrefix: '/models', precompressedDir }));
  root.get('/models/*', (c) => c.json({ error: { code: 'not_found', message: `no file ${c.req.path}` } }, 404));
  if (siteDir) root.get(`/${PRECOMPRESSED_FOLDER}/*`, (c) => c.notFound());
  if (siteDir) root.use('/*', staticFiles({ roots: [siteDir], precompressedDir }));
  else root.get('/', (c) => c.html(SITE_MISSING));
  const notFoundFile = siteDir && join(siteDir, '404.html');
  const notFoundPage = notFoundFile && existsSync(notFoundFile) ? readFileSync(notFoundFile, 'utf8') : NOT_FOUND_PAGE;
  root.notFound((c) => c.html(notFoundPage, 404));
  return { app: root, registry, pool };
}

export interface RunningServer {
  server: ServerType;
  port: number;
  registry: ModelRegistry;
  pool: ApiPool;
  close(): Promise<void>;
}

/** Starts the Node server; port 0 picks a free port (used by tests and the benchmark). */
export function startNodeServer(options: NodeServerOptions & { port: number; hostname?: string }): Promise<RunningServer> {
  const { app, registry, pool } = createNodeApp(options);
  const headersMs = options.timeouts?.headersMs ?? DEFAULT_TIMEOUTS.headersMs;
  const bodyMs = options.timeouts?.bodyMs ?? DEFAULT_TIMEOUTS.bodyMs;
  // node:http's own limits back up the body deadline: it answers 408 and drops the socket a little after it. It checks
  // them every connectionsCheckingInterval (30 s by default, which would let slow headers linger three times as long).
  const serverOptions = { headersTimeout: headersMs, requestTimeout: bodyMs + headersMs, connectionsCheckingInterval: Math.min(1000, headersMs) };
  return new Promise((resolveStart) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname ?? '127.0.0.1', serverOptions }, (info) => {
      resolveStart({
        server,
        port: info.port,
        registry,
        pool,
        close: async () => {
          const closed = new Promise<void>((done) => server.close(() => done()));
          // Idle keep-alive sockets and slow clients would hold close() open for their timeouts.
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          await closed;
          await pool.close();
        },
      });
    });
  });
}
