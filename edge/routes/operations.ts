import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { InputError } from '#core/errors.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import type { JpegCodec } from '#core/image/jpeg-codec.ts';
import type { ImageFormat, ImageLimits } from '#core/image/sniff.ts';
import { analogy, applyAttributes, interpolate, sampleLatents, type Latent } from '#core/latent.ts';
import { faceSource, type FaceSource } from '#core/photo/detail.ts';
import type { ModelRegistry } from '#core/registry.ts';
import type { ModelRuntime } from '#core/runtime.ts';
import { deterministicResponse } from '../middleware/cache.ts';
import {
  AnalogyJson,
  AnalogyQuery,
  AttributesJson,
  AttributesQuery,
  DecodeJson,
  ImageOutputQuery,
  LatentResponse,
  ModelParams,
  MorphJson,
  MorphQuery,
  ReconstructQuery,
  SampleQuery,
  type StrengthsSchema,
} from '../schemas.ts';
import { ALIGN_HEADER, alignQuery, AlignQuery, prepareImage, type AlignerProvider, type AlignMode, type AlignReport } from './alignment.ts';
import { readInputs, type ReadOptions } from './inputs.ts';
import { requireModel, resolveLatents } from './model-access.ts';
import { animationResponse, errors, IMAGE_OR_LATENT, imageBody, imageResponse, multipart } from './openapi-parts.ts';
import { chooseMorphDetail, choosePhotoOutput, renderEdits, renderMorph, type Subject } from './photo-output.ts';
import { renderLatents, toJsonArray } from './rendering.ts';
import type { z } from 'zod';

type Strengths = z.infer<typeof StrengthsSchema>;

/** Expands {"A": 1, "B": [-1, 0, 1]} into one list of edits per step (plain numbers apply at every step). */
function attributeSteps(runtime: ModelRuntime, strengths: Strengths) {
  const table = runtime.model.attributes.attributes;
  const unknown = Object.keys(strengths).filter((name) => !Object.hasOwn(table, name));
  if (unknown.length) {
    throw new InputError(422, 'unknown_attribute', `unknown attribute ${unknown.map((n) => `"${n}"`).join(', ')}; this model has: ${Object.keys(table).join(', ')}`, {
      unknown,
      available: Object.keys(table),
    });
  }
  const steps = Math.max(1, ...Object.values(strengths).map((s) => (Array.isArray(s) ? s.length : 1)));
  return Array.from({ length: steps }, (_, k) =>
    Object.entries(strengths).map(([name, s]) => ({ vector: table[name].vector, strength: Array.isArray(s) ? s[k] : s })),
  );
}

export interface OperationOptions {
  imageLimits: ImageLimits;
  aligner?: AlignerProvider;
  jpeg?: JpegCodec;
}

export function registerOperationRoutes(app: OpenAPIHono, registry: ModelRegistry, { imageLimits, aligner, jpeg }: OperationOptions) {
  const jpegEncoder = jpeg?.encode;
  const model = (c: Context) => requireModel(registry, c.req.param('id')!);
  const latentsOf = async (c: Context, names: readonly string[], options?: ReadOptions) => {
    const runtime = await model(c);
    const { input } = runtime.model.manifest;
    const { inputs, strengths } = await readInputs(c, names, options);
    // Routes that declare `align` validate it; the others (decode) never receive images to align.
    const query = (c.req.valid as (target: 'query') => { align?: AlignMode } | undefined)('query');
    const reports: Record<string, AlignReport> = {};
    const sources: Record<string, FaceSource> = {};
    const prepare = async (image: RgbaImage, name: string, format: ImageFormat) => {
      const prepared = await prepareImage(image, input, query?.align ?? 'auto', aligner);
      if (prepared.report) reports[name] = prepared.report;
      if (prepared.placement) sources[name] = faceSource(image, format, prepared.placement.toModel, input, prepared.placement.landmarks);
      return prepared.pixels;
    };
    const latents = await resolveLatents(runtime, inputs, names, { limits: imageLimits, jpegDecoder: jpeg?.decode }, prepare);
    if (Object.keys(reports).length) c.header(ALIGN_HEADER, JSON.stringify(reports));
    const subjects: Subject[] = names.map((name, k) => ({ name, latent: latents[k], source: sources[name], aligned: reports[name]?.applied === true }));
    return { runtime, latents, strengths, subjects, faceModel: input.face !== undefined };
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/models/{id}/encode',
      tags: ['operations'],
      summary: 'Image -> latent',
      description: 'The image is cropped and resized by the model’s rule (see its manifest), then encoded.',
      request: { params: ModelParams, query: AlignQuery, body: { required: true, content: { ...imageBody, ...multipart({ image: 'the image file' }) } } },
      responses: { 200: { description: 'The latent', content: { 'application/json': { schema: LatentResponse } } }, ...errors },
    }),
    async (c) => {
      const { runtime, latents } = await latentsOf(c, ['image']);
      const body = JSON.stringify({ model: runtime.model.manifest.id, latent: toJsonArray(latents[0]) });
      // The body matches LatentResponse; it is sent pre-serialised so its ETag hashes exactly the bytes sent.
      return (await deterministicResponse(c, body, 'application/json')) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/models/{id}/decode',
      tags: ['operations'],
      summary: 'Latent -> image',
      request: {
        params: ModelParams,
        query: ImageOutputQuery,
        body: { required: false, content: { 'application/json': { schema: DecodeJson }, ...multipart({ latent: 'a JSON array latent as text' }) } },
      },
      responses: imageResponse,
    }),
    async (c) => {
      const { runtime, latents } = await latentsOf(c, ['latent']);
      return renderLatents(c, runtime, latents, { format: 'png', ...c.req.valid('query') });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/models/{id}/reconstruct',
      tags: ['operations'],
      summary: 'Image -> image through the autoencoder',
      request: { params: ModelParams, query: ReconstructQuery.extend(alignQuery), body: { required: true, content: { ...imageBody, ...multipart({ image: 'the image file' }) } } },
      responses: imageResponse,
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { runtime, latents, subjects, faceModel } = await latentsOf(c, ['image']);
      const choice = choosePhotoOutput(query, subjects[0], false, faceModel);
      return renderEdits(c, runtime, subjects[0], latents, query, choice, jpegEncoder);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/models/{id}/morph',
      tags: ['operations'],
      summary: 'Interpolate between two images or latents',
      description: 'Inputs `a` and `b` (images and latents may be mixed in multipart). Frames include both ends.',
      request: {
        params: ModelParams,
        query: MorphQuery.extend(alignQuery),
        body: { required: false, content: { 'application/json': { schema: MorphJson }, ...multipart({ a: IMAGE_OR_LATENT, b: IMAGE_OR_LATENT }) } },
      },
      responses: animationResponse,
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { runtime, latents, subjects, faceModel } = await latentsOf(c, ['a', 'b']);
      const frames = interpolate(latents[0], latents[1], query.frames, query.path, runtime.model.manifest.latent.mean);
      const detail = chooseMorphDetail(query.detail, subjects, faceModel);
      return renderMorph(c, runtime, [subjects[0], subjects[1]], frames, query, detail, jpegEncoder);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/models/{id}/attributes',
      tags: ['operations'],
      summary: 'Add attribute vectors to an image or latent',
      description:
        'Adds Σ strength × vector for the named attributes (names and suggested ranges: GET /v1/models/{id}). Lists of strengths give one output per step.',
      request: {
        params: ModelParams,
        query: AttributesQuery.extend(alignQuery),
        body: {
          required: false,
          content: {
            'application/json': { schema: AttributesJson },
            ...multipart({ image: 'the image file (or send `latent`)', attributes: 'JSON object of strengths, e.g. {"Smiling": 1}' }),
          },
        },
      },
      responses: animationResponse,
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { runtime, latents, strengths, subjects, faceModel } = await latentsOf(c, ['latent'], { strengths: true, multipartAlternatives: { latent: ['image', 'latent'] } });
      const edited = attributeSteps(runtime, strengths!).map((edits) => applyAttributes(latents[0], edits));
      const subject = { ...subjects[0], name: 'image' };
      const choice = choosePhotoOutput(query, subject, true, faceModel);
      return renderEdits(c, runtime, subject, edited, query, choice, jpegEncoder);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/models/{id}/analogy',
      tags: ['operations'],
      summary: 'A − B + C: change C the way B differs from A',
      request: {
        params: ModelParams,
        query: AnalogyQuery.extend(alignQuery),
        body: { required: false, content: { 'application/json': { schema: AnalogyJson }, ...multipart({ a: IMAGE_OR_LATENT, b: IMAGE_OR_LATENT, c: IMAGE_OR_LATENT }) } },
      },
      responses: animationResponse,
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { runtime, latents, subjects, faceModel } = await latentsOf(c, ['a', 'b', 'c']);
      const [a, b, cc] = latents as [Latent, Latent, Latent];
      const choice = choosePhotoOutput(query, subjects[2], true, faceModel);
      return renderEdits(c, runtime, subjects[2], [analogy(a, b, cc)], query, choice, jpegEncoder);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/models/{id}/sample',
      tags: ['operations'],
      summary: 'New images drawn from the latent statistics, the same for the same seed',
      request: { params: ModelParams, query: SampleQuery },
      responses: { ...animationResponse, 304: { description: 'Not modified (If-None-Match matched the ETag)' } },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const runtime = await model(c);
      const latents = sampleLatents(runtime.model.manifest.latent, query.n, query.seed, query.temperature);
      return renderLatents(c, runtime, latents, query);
    },
  );

}
