import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { JpegCodec } from '#core/image/jpeg-codec.ts';
import type { PixelDecoder } from '#core/image/upload.ts';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from '#core/image/sniff.ts';
import type { ModelRegistry } from '#core/registry.ts';
import { errorResponse, notFoundOrWrongMethod, onError, validationHook } from './middleware/errors.ts';
import { registerDocsRoutes } from './routes/docs.ts';
import { registerModelRoutes } from './routes/models.ts';
import type { AlignerProvider } from './routes/alignment.ts';
import { createOperationsApp } from './routes/operations.ts';

export interface AppOptions {
  /** Model ids -> loaded models; each runtime gives its own file access and onnxruntime flavour. */
  registry: ModelRegistry;
  /** Largest accepted request body in bytes (default 8 MB). */
  maxBodyBytes?: number;
  /** Largest accepted image, checked from its header before decoding. */
  imageLimits?: ImageLimits;
  /** Face alignment for models whose manifest has `input.face` (align=auto); without it uploads are only cropped. */
  aligner?: AlignerProvider;
  /** Fast JPEG reading and JPEG output (photos come back in the upload's format); without it JPEGs are read by jpeg-js and only PNG and GIF are written. */
  jpeg?: JpegCodec;
  /** WebP reading (libwebp wasm, webp-codec.ts); without it WebP uploads get 415. */
  webp?: PixelDecoder;
}

const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The latentlab HTTP API as one Hono app with web-standard Request/Response only, so the same app runs
 * under @hono/node-server and on Cloudflare Workers.
 */
export function createApp(options: AppOptions): OpenAPIHono {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use(
    '/v1/*',
    cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Content-Type', 'If-None-Match'], exposeHeaders: ['ETag', 'X-Model', 'X-Latentlab-Align', 'X-Latentlab-Output'], maxAge: 86400 }),
  );
  app.use('/v1/*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
  });
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => errorResponse(c, 413, 'payload_too_large', `the request body is over the ${maxBodyBytes}-byte limit`, { limit: maxBodyBytes }),
    }),
  );
  registerModelRoutes(app, options.registry);
  const { registry, aligner, jpeg, webp } = options;
  const decoders = { jpeg: jpeg?.decode, scaledJpeg: jpeg?.decodeScaled, webp };
  app.route('/v1/models', createOperationsApp({ registry, aligner, decoders, imageLimits: options.imageLimits ?? DEFAULT_IMAGE_LIMITS, jpegEncoder: jpeg?.encode }));
  registerDocsRoutes(app);
  app.onError(onError);
  app.notFound(notFoundOrWrongMethod(app));
  return app;
}
