import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import { CUSTOM_PREFIX, MAX_TOKEN_LENGTH } from './custom-attribute.ts';
import { InputError } from './errors.ts';

/**
 * Share links: codes and attribute strengths as short URL parameters, web-standard only, so the site's pages and
 * widgets (and later the API) read and write the same links. A code is float16, little-endian, base64url without
 * padding: 2 bytes per dimension, about 2.7 characters; float16's 3 significant digits are below what a decoder shows.
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function latentToParam(latent: Float32Array): string {
  const view = new DataView(new ArrayBuffer(latent.length * 2));
  latent.forEach((value, i) => setFloat16(view, 2 * i, value, true));
  return toBase64Url(new Uint8Array(view.buffer));
}

/** The code of a share link for a model whose codes have `dim` numbers; the length is checked before decoding. */
export function latentFromParam(text: string, dim: number, name = 'code'): Float32Array {
  const expected = Math.ceil((dim * 2 * 4) / 3);
  if (text.length !== expected || !BASE64URL.test(text)) {
    throw new InputError(400, 'bad_share_link', `The share link's ${name} is not a code of this model (${dim} numbers are ${expected} characters, it has ${text.length}).`);
  }
  const view = new DataView(fromBase64Url(text).buffer);
  const latent = Float32Array.from({ length: dim }, (_, i) => getFloat16(view, 2 * i, true));
  if (!latent.every(Number.isFinite)) throw new InputError(400, 'bad_share_link', `The share link's ${name} holds a number that is not finite.`);
  return latent;
}

/**
 * Attribute strengths as `Smiling:1.2,Young:-0.5,custom:AbC…:1` (names are letters, digits, "_" and "-", taught ones
 * `custom:` and base64url, so no escaping is needed).
 */
export function strengthsToParam(strengths: Readonly<Record<string, number>>): string {
  return Object.entries(strengths)
    .map(([name, strength]) => `${name}:${strength}`)
    .join(',');
}

/** Taught attributes (`custom:<token>`) a share link may carry besides the model's own. */
export const MAX_SHARED_TAUGHT = 4;
const TAUGHT_NAME = new RegExp(`^${CUSTOM_PREFIX}[A-Za-z0-9_-]{12,${MAX_TOKEN_LENGTH}}$`);

/**
 * Strengths of a share link: names in `known`, or up to MAX_SHARED_TAUGHT taught ones (`custom:<token>`, whose
 * tokens the page still has to read against its model), each once, each finite.
 */
export function strengthsFromParam(text: string, known: readonly string[]): Record<string, number> {
  const limit = known.length + MAX_SHARED_TAUGHT;
  const entries = text ? text.split(',', limit + 1) : [];
  if (entries.length > limit) throw new InputError(400, 'bad_share_link', `The share link names more edits than the model has attributes (${known.length}) and ${MAX_SHARED_TAUGHT} taught ones.`);
  const strengths: Record<string, number> = {};
  for (const entry of entries) {
    // The strength follows the last ":" (a taught name has one of its own).
    const cut = entry.lastIndexOf(':');
    const [name, value] = cut < 0 ? [entry, undefined] : [entry.slice(0, cut), entry.slice(cut + 1)];
    if (!known.includes(name) && !TAUGHT_NAME.test(name)) throw new InputError(400, 'bad_share_link', `The share link edits "${name.slice(0, 64)}", which this model has no attribute for.`);
    const strength = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(strength)) {
      throw new InputError(400, 'bad_share_link', `The share link's strength for ${name} is not a number.`);
    }
    if (name in strengths) throw new InputError(400, 'bad_share_link', `The share link edits ${name.slice(0, 64)} twice.`);
    strengths[name] = strength;
  }
  if (Object.keys(strengths).filter((name) => TAUGHT_NAME.test(name)).length > MAX_SHARED_TAUGHT) {
    throw new InputError(400, 'bad_share_link', `The share link carries more than ${MAX_SHARED_TAUGHT} taught attributes.`);
  }
  return strengths;
}
