import type { HonoRequest } from 'hono';
import type { z } from 'zod';
import { InputError } from '#core/errors.ts';
import { describeIssues } from '#core/manifest.ts';
import { StrengthsSchema } from '../schemas.ts';

/** One named input of an operation: uploaded image bytes, or a latent still to be checked against the model. */
export type OperationInput = { kind: 'image'; bytes: Uint8Array } | { kind: 'latent'; value: unknown };

export interface ParsedInputs {
  inputs: Record<string, OperationInput>;
  strengths?: z.infer<typeof StrengthsSchema>;
}

const essence = (contentType: string | undefined) => (contentType ?? '').split(';')[0].trim().toLowerCase();

function missing(name: string, accepted: string): InputError {
  return new InputError(422, 'missing_input', `missing input "${name}": send ${accepted}`);
}

export function parseJsonField(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(400, 'invalid_json', `multipart field "${field}" is not valid JSON`);
  }
}

function checkStrengths(value: unknown, where: string) {
  const result = StrengthsSchema.safeParse(value);
  if (!result.success) throw new InputError(422, 'invalid_attributes', `${where}: ${describeIssues(result.error).join('; ')}`);
  return result.data;
}

export interface InputRules {
  /** The operation also takes attribute strengths (JSON `attributes`, or a multipart field of JSON text). */
  strengths?: boolean;
  /** Multipart field names that may carry an input instead of its own name, e.g. latent: ['image', 'latent']. */
  multipartAlternatives?: Record<string, string[]>;
  /** The one image may be the whole body (single-image operations). */
  rawImage?: boolean;
  /** The route's JSON body schema; without one, JSON is refused (the operation takes an image). */
  json?: z.ZodType<Record<string, unknown>>;
}

export const isJsonType = (contentType: string | undefined) => {
  const type = essence(contentType);
  return type === 'application/json' || type.endsWith('+json');
};

/**
 * Bodies that may be a raw image: the bytes are sniffed whatever the header says, so a generic type (curl
 * --data-binary sends form-urlencoded, Python requests sends none) is as good as image/*.
 */
const rawImageTypes = new Set(['', 'application/octet-stream', 'application/x-www-form-urlencoded']);

async function fromMultipart(request: HonoRequest, names: readonly string[], rules: InputRules): Promise<ParsedInputs> {
  let form: FormData;
  try {
    form = await request.raw.formData();
  } catch {
    throw new InputError(400, 'invalid_multipart', 'the multipart/form-data body could not be parsed');
  }
  const inputs: Record<string, OperationInput> = {};
  for (const name of names) {
    const fields = rules.multipartAlternatives?.[name] ?? [name];
    const field = fields.find((f) => form.has(f));
    const value = field === undefined ? null : form.get(field);
    if (field === undefined || value === null) {
      throw missing(name, `a multipart field ${fields.map((f) => `"${f}"`).join(' or ')} holding an image file or a JSON latent`);
    }
    inputs[name] =
      typeof value === 'string'
        ? { kind: 'latent', value: parseJsonField(value, field) }
        : { kind: 'image', bytes: new Uint8Array(await value.arrayBuffer()) };
  }
  if (!rules.strengths) return { inputs };
  const field = form.get('attributes');
  if (typeof field !== 'string') throw missing('attributes', 'a multipart field "attributes" holding JSON like {"Smiling": 1}');
  return { inputs, strengths: checkStrengths(parseJsonField(field, 'attributes'), 'field "attributes"') };
}

async function fromJson(request: HonoRequest, names: readonly string[], rules: InputRules): Promise<ParsedInputs> {
  if (!rules.json) throw new InputError(415, 'unsupported_media_type', 'this operation takes an image: send it as the body or as a multipart file, not JSON');
  // Already validated against the same schema (routes/operands.ts); parsing again gives it its type.
  const body = rules.json.parse(await request.json());
  const inputs: Record<string, OperationInput> = {};
  for (const name of names) {
    if (body[name] === undefined) throw missing(name, `"${name}" in the JSON body`);
    inputs[name] = { kind: 'latent', value: body[name] };
  }
  return { inputs, strengths: rules.strengths ? checkStrengths(body.attributes, 'attributes') : undefined };
}

/**
 * Collects an operation's inputs from any of the three accepted bodies: JSON (latents), multipart/form-data (files
 * or JSON latents per field), or — for operations with one image input — the raw image as the body.
 */
export async function readInputs(request: HonoRequest, names: readonly string[], rules: InputRules = {}): Promise<ParsedInputs> {
  const type = essence(request.header('Content-Type'));
  if (isJsonType(type)) return fromJson(request, names, rules);
  if (type === 'multipart/form-data') return fromMultipart(request, names, rules);
  if (rules.rawImage && (type.startsWith('image/') || rawImageTypes.has(type))) {
    return { inputs: { [names[0]]: { kind: 'image', bytes: new Uint8Array(await request.arrayBuffer()) } } };
  }
  throw new InputError(
    415,
    'unsupported_media_type',
    `Content-Type ${JSON.stringify(type || '(none)')} is not accepted here; send ${rules.rawImage ? 'an image body, ' : ''}multipart/form-data or application/json`,
  );
}
