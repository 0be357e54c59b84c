import type { Context } from 'hono';
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

function parseJsonField(text: string, field: string): unknown {
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

export interface ReadOptions {
  /** The operation also takes attribute strengths (JSON `attributes`, or a multipart field of JSON text). */
  strengths?: boolean;
  /** Multipart field names that may carry an input instead of its own name, e.g. latent: ['image', 'latent']. */
  multipartAlternatives?: Record<string, string[]>;
}

async function fromMultipart(c: Context, names: readonly string[], options: ReadOptions): Promise<ParsedInputs> {
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch {
    throw new InputError(400, 'invalid_multipart', 'the multipart/form-data body could not be parsed');
  }
  const inputs: Record<string, OperationInput> = {};
  for (const name of names) {
    const fields = options.multipartAlternatives?.[name] ?? [name];
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
  if (!options.strengths) return { inputs };
  const field = form.get('attributes');
  if (typeof field !== 'string') throw missing('attributes', 'a multipart field "attributes" holding JSON like {"Smiling": 1}');
  return { inputs, strengths: checkStrengths(parseJsonField(field, 'attributes'), 'field "attributes"') };
}

/**
 * Collects an operation's inputs from any of the three accepted bodies: JSON (latents, already validated
 * against the route's schema), multipart/form-data (files or JSON latents per field), or — for operations
 * with one image input — the raw image as the body.
 */
export async function readInputs(c: Context, names: readonly string[], options: ReadOptions = {}): Promise<ParsedInputs> {
  const type = essence(c.req.header('Content-Type'));
  const wantsStrengths = options.strengths ?? false;
  if (type === 'application/json' || type.endsWith('+json')) {
    const body = (c.req.valid as (target: 'json') => Record<string, unknown> | undefined)('json');
    if (!body) throw new InputError(415, 'unsupported_media_type', 'this operation takes an image: send it as the body or as a multipart file, not JSON');
    const inputs: Record<string, OperationInput> = {};
    for (const name of names) {
      if (body[name] === undefined) throw missing(name, `"${name}" in the JSON body`);
      inputs[name] = { kind: 'latent', value: body[name] };
    }
    return { inputs, strengths: wantsStrengths ? checkStrengths(body.attributes, 'attributes') : undefined };
  }
  if (type === 'multipart/form-data') return fromMultipart(c, names, options);
  if (type.startsWith('image/') && names.length === 1 && !wantsStrengths) {
    return { inputs: { [names[0]]: { kind: 'image', bytes: new Uint8Array(await c.req.arrayBuffer()) } } };
  }
  throw new InputError(
    415,
    'unsupported_media_type',
    `Content-Type ${JSON.stringify(type || '(none)')} is not accepted here; send ${names.length === 1 && !wantsStrengths ? 'an image body, ' : ''}multipart/form-data or application/json`,
  );
}
