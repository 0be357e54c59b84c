import { OpenAPIHono } from '@hono/zod-openapi';
import { CUSTOM_PREFIX, readCustomToken } from '#core/custom-attribute.ts';
import { InputError } from '#core/errors.ts';
import { analogy, applyAttributes, interpolate, sampleLatents } from '#core/latent.ts';
import type { ModelRuntime } from '#core/runtime.ts';
import { tagDeterministic } from '../middleware/cache.ts';
import { validationHook } from '../middleware/errors.ts';
import type { StrengthsSchema } from '../schemas.ts';
import { analogyRoute, attributesRoute, decodeRoute, encodeRoute, morphRoute, reconstructRoute, sampleRoute } from './operation-routes.ts';
import { provideServices, type OperationEnv, type OperationServices } from './operands.ts';
import { requireModel } from './model-access.ts';
import { teachFromRequest, teachRoute } from './custom-attributes.ts';
import { chooseMorphDetail, choosePhotoOutput, renderEdits, renderMorph } from './photo-output.ts';
import { renderLatents, toJsonArray } from './rendering.ts';
import type { z } from 'zod';

/** Expands {"A": 1, "B": [-1, 0, 1]} into one list of edits per step (plain numbers apply at every step). */
function attributeSteps(runtime: ModelRuntime, strengths: z.infer<typeof StrengthsSchema> | undefined) {
  // The attributes route's operands always carry strengths (readInputs refuses a body without them).
  if (!strengths) throw new InputError(422, 'missing_input', 'missing input "attributes"');
  const table = runtime.model.attributes.attributes;
  const { id, latent } = runtime.model.manifest;
  const vectorOf = (name: string) => (name.startsWith(CUSTOM_PREFIX) ? readCustomToken(name.slice(CUSTOM_PREFIX.length), id, latent.dim) : table[name].vector);
  const unknown = Object.keys(strengths).filter((name) => !name.startsWith(CUSTOM_PREFIX) && !Object.hasOwn(table, name));
  if (unknown.length) {
    throw new InputError(422, 'unknown_attribute', `unknown attribute ${unknown.map((n) => `"${n}"`).join(', ')}; this model has: ${Object.keys(table).join(', ')}`, {
      unknown,
      available: Object.keys(table),
    });
  }
  const vectors = Object.keys(strengths).map(vectorOf);
  const steps = Math.max(1, ...Object.values(strengths).map((s) => (Array.isArray(s) ? s.length : 1)));
  return Array.from({ length: steps }, (_, k) => Object.values(strengths).map((s, j) => ({ vector: vectors[j], strength: Array.isArray(s) ? s[k] : s })));
}

/**
 * The operations as their own app, mounted at /v1/models by app.ts: each route's middleware (operation-routes.ts)
 * has encoded its inputs into `c.var.operands` before its handler runs.
 */
export function createOperationsApp(services: OperationServices) {
  const jpegEncoder = services.jpegEncoder;
  const app = new OpenAPIHono<OperationEnv>({ defaultHook: validationHook });
  app.use(provideServices(services));
  return app
    .openapi(encodeRoute, async (c) => {
      const { runtime, latents } = c.var.operands;
      const body = { model: runtime.model.manifest.id, latent: toJsonArray(latents[0]) };
      // c.json writes JSON.stringify(body), the bytes the ETag is computed from; a POST is never answered 304.
      await tagDeterministic(c, new TextEncoder().encode(JSON.stringify(body)));
      return c.json(body, 200);
    })
    .openapi(decodeRoute, (c) => {
      const { runtime, latents } = c.var.operands;
      return renderLatents(c, runtime, latents, { format: 'png', ...c.req.valid('query') });
    })
    .openapi(reconstructRoute, (c) => {
      const query = c.req.valid('query');
      const { runtime, latents, subjects, faceModel } = c.var.operands;
      return renderEdits(c, runtime, subjects[0], latents, query, choosePhotoOutput(query, subjects[0], false, faceModel), jpegEncoder);
    })
    .openapi(morphRoute, (c) => {
      const query = c.req.valid('query');
      const { runtime, latents, subjects, faceModel } = c.var.operands;
      const frames = interpolate(latents[0], latents[1], query.frames, query.path, runtime.model.manifest.latent.mean);
      return renderMorph(c, runtime, [subjects[0], subjects[1]], frames, query, chooseMorphDetail(query.detail, subjects, faceModel), jpegEncoder);
    })
    .openapi(attributesRoute, (c) => {
      const query = c.req.valid('query');
      const { runtime, latents, strengths, subjects, faceModel } = c.var.operands;
      const edited = attributeSteps(runtime, strengths).map((edits) => applyAttributes(latents[0], edits));
      const subject = { ...subjects[0], name: 'image' };
      return renderEdits(c, runtime, subject, edited, query, choosePhotoOutput(query, subject, true, faceModel), jpegEncoder);
    })
    .openapi(analogyRoute, (c) => {
      const query = c.req.valid('query');
      const { runtime, latents, subjects, faceModel } = c.var.operands;
      const [a, b, photo] = latents;
      return renderEdits(c, runtime, subjects[2], [analogy(a, b, photo)], query, choosePhotoOutput(query, subjects[2], true, faceModel), jpegEncoder);
    })
    .openapi(teachRoute, async (c) => c.json(await teachFromRequest(c.var.services, c.req.valid('param').id, c.req, c.req.valid('query').align), 200))
    .openapi(sampleRoute, async (c) => {
      const query = c.req.valid('query');
      const runtime = await requireModel(c.var.services.registry, c.req.valid('param').id);
      return renderLatents(c, runtime, sampleLatents(runtime.model.manifest.latent, query.n, query.seed, query.temperature), query);
    });
}
