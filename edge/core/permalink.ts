import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { InputError } from './errors.ts';

/**
 * Share links: codes and attribute strengths as short URL parameters, web-standard only, so the site's pages and
 * widgets (and later the API) read and write the same links. A code is float16, little-endian, base64url without
 * padding: 2 bytes per dimension, about 2.7 characters; float16's 3 significant digits are below what a decoder shows.
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

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

/** Attribute strengths as `Smiling:1.2,Young:-0.5` (names are letters, digits, "_" and "-", so no escaping is needed). */
export function strengthsToParam(strengths: Readonly<Record<string, number>>): string {
  return Object.entries(strengths)
    .map(([name, strength]) => `${name}:${strength}`)
    .join(',');
}

/** Strengths of a share link: only names in `known`, each once, each finite; at most one entry per known name. */
export function strengthsFromParam(text: string, known: readonly string[]): Record<string, number> {
  const entries = text ? text.split(',', known.length + 1) : [];
  if (entries.length > known.length) throw new InputError(400, 'bad_share_link', `The share link names more edits than the model has attributes (${known.length}).`);
  const strengths: Record<string, number> = {};
  for (const entry of entries) {
    const [name, value] = entry.split(':');
    if (!known.includes(name)) throw new InputError(400, 'bad_share_link', `The share link edits "${name.slice(0, 64)}", which this model has no attribute for.`);
    const strength = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(strength)) {
      throw new InputError(400, 'bad_share_link', `The share link's strength for ${name} is not a number.`);
    }
    if (name in strengths) throw new InputError(400, 'bad_share_link', `The share link edits ${name} twice.`);
    strengths[name] = strength;
  }
  return strengths;
}
