import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ExecutionContext } from 'hono';
import { createApp } from '../app.ts';
import { wasmJpegCodec } from '#core/image/jpeg-codec.ts';
import { wasmWebpDecoder } from '#core/image/webp-codec.ts';
// A relative path: wrangler's CompiledWasm collector does not resolve a package's `exports` for wasm imports.
import mozjpegDecoder from '../../node_modules/@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm';
import mozjpegEncoder from '../../node_modules/@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm';
import webpDecoder from '../../node_modules/@jsquash/webp/codec/dec/webp_dec.wasm';
import { ModelRegistry } from '#core/registry.ts';
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
      jpeg: wasmJpegCodec({ encoder: mozjpegEncoder, decoder: mozjpegDecoder }),
      webp: wasmWebpDecoder(webpDecoder),
    });
    return app.fetch(request, env, ctx);
  },
};
