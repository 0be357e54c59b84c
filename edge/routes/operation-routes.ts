import { createRoute, type RouteConfig } from '@hono/zod-openapi';
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
} from '../schemas.ts';
import { alignQuery, AlignQuery } from './alignment.ts';
import { prepareOperands } from './operands.ts';
import { animationResponse, curlExample, errors, IMAGE_OR_LATENT, imageBody, imageResponse, multipart } from './openapi-parts.ts';

// The operations' declarations, relative to /v1/models (routes/operations.ts mounts them): what each takes, as the
// OpenAPI document shows it, and the middleware that turns those inputs into codes before the handler runs.

const imageUpload = { ...imageBody, ...multipart({ image: 'the image file' }) };

/** Every operation is a POST under the operations tag; the rest of its declaration is its own. */
const operation = <R extends Omit<RouteConfig, 'method' | 'tags'>>(route: R) => createRoute({ method: 'post', tags: ['operations'], ...route });

export const encodeRoute = operation({
  path: '/{id}/encode',
  ...curlExample(`curl --data-binary @photo.jpg $API/v1/models/faces/encode`),
  summary: 'Image -> latent',
  description: 'The image is cropped and resized by the model’s rule (see its manifest), then encoded.',
  middleware: [prepareOperands({ names: ['image'], query: AlignQuery, rawImage: true })] as const,
  request: { params: ModelParams, query: AlignQuery, body: { required: true, content: imageUpload } },
  responses: { 200: { description: 'The latent', content: { 'application/json': { schema: LatentResponse } } }, ...errors },
});

export const decodeRoute = operation({
  path: '/{id}/decode',
  ...curlExample(`curl -s --data-binary @photo.jpg $API/v1/models/faces/encode \\
  | curl -H 'Content-Type: application/json' -d @- '$API/v1/models/faces/decode?size=256' -o decoded.png`),
  summary: 'Latent -> image',
  middleware: [prepareOperands({ names: ['latent'], query: ImageOutputQuery, json: DecodeJson })] as const,
  request: {
    params: ModelParams,
    query: ImageOutputQuery,
    body: { required: false, content: { 'application/json': { schema: DecodeJson }, ...multipart({ latent: 'a JSON array latent as text' }) } },
  },
  responses: imageResponse,
});

const reconstructQuery = ReconstructQuery.extend(alignQuery);
export const reconstructRoute = operation({
  path: '/{id}/reconstruct',
  ...curlExample(`curl --data-binary @photo.jpg '$API/v1/models/faces/reconstruct?size=256' -o reconstructed.png`),
  summary: 'Image -> image through the autoencoder',
  middleware: [prepareOperands({ names: ['image'], query: reconstructQuery, rawImage: true })] as const,
  request: { params: ModelParams, query: reconstructQuery, body: { required: true, content: imageUpload } },
  responses: imageResponse,
});

const morphQuery = MorphQuery.extend(alignQuery);
export const morphRoute = operation({
  path: '/{id}/morph',
  ...curlExample(`curl -F a=@a.jpg -F b=@b.jpg '$API/v1/models/faces/morph?frames=16&format=gif' -o morph.gif`),
  summary: 'Interpolate between two images or latents',
  description: 'Inputs `a` and `b` (images and latents may be mixed in multipart). Frames include both ends.',
  middleware: [prepareOperands({ names: ['a', 'b'], query: morphQuery, json: MorphJson })] as const,
  request: {
    params: ModelParams,
    query: morphQuery,
    body: { required: false, content: { 'application/json': { schema: MorphJson }, ...multipart({ a: IMAGE_OR_LATENT, b: IMAGE_OR_LATENT }) } },
  },
  responses: animationResponse,
});

const attributesQuery = AttributesQuery.extend(alignQuery);
export const attributesRoute = operation({
  path: '/{id}/attributes',
  ...curlExample(`curl -F image=@photo.jpg -F 'attributes={"Smiling": 1}' $API/v1/models/faces/attributes -o smiling.jpg`),
  summary: 'Add attribute vectors to an image or latent',
  description: 'Adds Σ strength × vector for the named attributes (names and suggested ranges: GET /v1/models/{id}). Lists of strengths give one output per step.',
  middleware: [
    prepareOperands({ names: ['latent'], query: attributesQuery, json: AttributesJson, strengths: true, multipartAlternatives: { latent: ['image', 'latent'] } }),
  ] as const,
  request: {
    params: ModelParams,
    query: attributesQuery,
    body: {
      required: false,
      content: {
        'application/json': { schema: AttributesJson },
        ...multipart({ image: 'the image file (or send `latent`)', attributes: 'JSON object of strengths, e.g. {"Smiling": 1}' }),
      },
    },
  },
  responses: animationResponse,
});

const analogyQuery = AnalogyQuery.extend(alignQuery);
export const analogyRoute = operation({
  path: '/{id}/analogy',
  ...curlExample(`curl -F a=@a.jpg -F b=@b.jpg -F c=@c.jpg $API/v1/models/faces/analogy -o analogy.jpg`),
  summary: 'A − B + C: change C the way B differs from A',
  middleware: [prepareOperands({ names: ['a', 'b', 'c'], query: analogyQuery, json: AnalogyJson })] as const,
  request: {
    params: ModelParams,
    query: analogyQuery,
    body: { required: false, content: { 'application/json': { schema: AnalogyJson }, ...multipart({ a: IMAGE_OR_LATENT, b: IMAGE_OR_LATENT, c: IMAGE_OR_LATENT }) } },
  },
  responses: animationResponse,
});

export const sampleRoute = createRoute({
  method: 'get',
  path: '/{id}/sample',
  tags: ['operations'],
  ...curlExample(`curl '$API/v1/models/faces/sample?n=8&seed=1&size=128' -o samples.png`),
  summary: 'New images drawn from the latent statistics, the same for the same seed',
  request: { params: ModelParams, query: SampleQuery },
  responses: { ...animationResponse, 304: { description: 'Not modified (If-None-Match matched the ETag)' } },
});
