import { EXAMPLE_ORIGIN } from '#core/openapi-render.ts';
import { ErrorSchema, LatentsResponse } from '../schemas.ts';

// The OpenAPI descriptions of the operations' bodies and answers, shared by every route in operations.ts.
const binary = { type: 'string', format: 'binary' } as const;
const errorContent = { 'application/json': { schema: ErrorSchema } };
export const errors = {
  400: { description: 'Malformed body, JSON or image', content: errorContent },
  404: { description: 'Unknown model', content: errorContent },
  413: { description: 'Body over the size limit', content: errorContent },
  415: { description: 'Unsupported content type, or bytes that are not a PNG, JPEG, GIF or WebP image', content: errorContent },
  422: { description: 'Invalid parameter, latent or attribute; image dimensions over the limits', content: errorContent },
};
// The bytes are sniffed, so a generic type (or none) is as good as the image's own.
export const imageBody = {
  'image/png': { schema: binary },
  'image/jpeg': { schema: binary },
  'image/gif': { schema: binary },
  'image/webp': { schema: binary },
  'application/octet-stream': { schema: binary },
};
const imageContent = { 'image/png': { schema: binary }, 'image/jpeg': { schema: binary } };
export const IMAGE_OR_LATENT = 'an image file, or a JSON array latent as text';

export function multipart(fields: Record<string, string>) {
  return {
    'multipart/form-data': {
      schema: {
        type: 'object' as const,
        required: Object.keys(fields),
        properties: Object.fromEntries(Object.entries(fields).map(([name, description]) => [name, { description }])),
      },
    },
  };
}

export const imageResponse = { 200: { description: 'PNG or JPEG image (per `format`)', content: imageContent }, ...errors };
export const animationResponse = {
  200: {
    description: 'PNG or JPEG (a strip for several images), GIF animation, or the latents as JSON (per `format`)',
    content: { ...imageContent, 'image/gif': { schema: binary }, 'application/json': { schema: LatentsResponse } },
  },
  ...errors,
};

/** A route's curl example, as Redoc's `x-codeSamples`; the docs pages show it with their own origin. */
export const curlExample = (command: string) => ({ 'x-codeSamples': [{ lang: 'shell', label: 'curl', source: command.replaceAll('$API', EXAMPLE_ORIGIN) }] });
