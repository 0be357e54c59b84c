import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ModelRegistry } from '#core/registry.ts';
import { deterministicResponse } from '../middleware/cache.ts';
import { ErrorSchema, HealthResponse, ModelDetail, ModelParams, ModelSummary } from '../schemas.ts';
import { z } from '@hono/zod-openapi';
import { requireModel } from './model-access.ts';
import { curlExample } from './openapi-parts.ts';

const errors = {
  304: { description: 'Not modified (If-None-Match matched the ETag)' },
  404: { description: 'Unknown model', content: { 'application/json': { schema: ErrorSchema } } },
  422: { description: 'Invalid parameter', content: { 'application/json': { schema: ErrorSchema } } },
};

const MODEL_INFO_CACHE = 'public, max-age=300';

export function registerModelRoutes(app: OpenAPIHono, registry: ModelRegistry) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/health',
      ...curlExample('curl $API/v1/health'),
      tags: ['meta'],
      summary: 'Liveness: answers while the server can take requests',
      responses: { 200: { description: 'Healthy', content: { 'application/json': { schema: HealthResponse } } } },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json({ status: 'ok' as const, models: await registry.list() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/models',
      ...curlExample('curl $API/v1/models'),
      tags: ['models'],
      summary: 'The models on offer',
      responses: {
        200: { description: 'Model list', content: { 'application/json': { schema: z.object({ models: z.array(ModelSummary) }) } } },
        304: errors[304],
      },
    }),
    async (c) => {
      const models = [];
      for (const id of await registry.list()) {
        const { manifest, attributes } = (await requireModel(registry, id)).model;
        models.push({
          id,
          title: manifest.title,
          version: manifest.version,
          kind: manifest.kind,
          latentDim: manifest.latent.dim,
          attributes: Object.keys(attributes.attributes),
        });
      }
      return deterministicResponse(c, JSON.stringify({ models }), 'application/json', MODEL_INFO_CACHE);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/models/{id}',
      ...curlExample('curl $API/v1/models/faces'),
      tags: ['models'],
      summary: 'A model: its manifest, attribute names with suggested strength ranges, and metrics',
      request: { params: ModelParams },
      responses: { 200: { description: 'Model detail', content: { 'application/json': { schema: ModelDetail } } }, ...errors },
    }),
    async (c) => {
      const { manifest, attributes } = (await requireModel(registry, c.req.valid('param').id)).model;
      const body = {
        id: manifest.id,
        manifest,
        attributes: Object.entries(attributes.attributes).map(([name, a]) => ({
          name,
          suggestedRange: a.suggestedRange,
          ...(a.keep ? { keepSuggestedRange: a.keep.suggestedRange } : {}),
          positives: a.positives,
          negatives: a.negatives,
          ...(a.description ? { description: a.description } : {}),
        })),
        metrics: manifest.metrics,
      };
      return deterministicResponse(c, JSON.stringify(body), 'application/json', MODEL_INFO_CACHE);
    },
  );
}
