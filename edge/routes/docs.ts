import type { OpenAPIHono } from '@hono/zod-openapi';
import { renderOpenApiPage } from '#core/openapi-render.ts';
import { withSafetyResponses } from '../middleware/limits-doc.ts';

export const OPENAPI_INFO = {
  openapi: '3.0.3',
  info: {
    title: 'latentlab API',
    version: '1.0.0',
    description:
      'Encode, decode, morph, edit and sample images with the latentlab autoencoders. Images (PNG, JPEG, GIF or WebP, recognised by their bytes) go in as multipart/form-data, or as the raw body for single-image operations with any content type; latents go in as JSON. Every error is JSON: {"error": {"code", "message"}}.',
  },
};

export function registerDocsRoutes(app: OpenAPIHono) {
  const document = () => withSafetyResponses(app.getOpenAPIDocument(structuredClone(OPENAPI_INFO)));
  app.get('/v1/openapi.json', (c) => c.json(document()));
  app.get('/v1/docs', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(renderOpenApiPage(document(), { origin: new URL(c.req.url).origin }));
  });
}
