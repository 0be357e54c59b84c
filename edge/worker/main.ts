import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ExecutionContext } from 'hono';
import { createApp } from '../app.ts';
import { ModelRegistry } from '../core/registry.ts';
import { assetAlignerProvider } from './asset-aligner.ts';
import { assetModelSource, type AssetsBinding } from './asset-models.ts';
import { workersOrt } from './ort-web.ts';

export interface Env {
  /** Static assets (wrangler.toml [assets]): the built site, models/<id>/ and the face alignment models/align/. */
  ASSETS: AssetsBinding;
}

// Module scope lives as long as the isolate, so the app, its registry and the onnxruntime sessions are built on the
// first request and reused by every later one (Workers forbid I/O at global scope, hence not at import time).
let app: OpenAPIHono | undefined;

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    app ??= createApp({
      registry: new ModelRegistry(assetModelSource(env.ASSETS), workersOrt),
      aligner: assetAlignerProvider(env.ASSETS, workersOrt),
    });
    return app.fetch(request, env, ctx);
  },
};
