import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { InputError } from './errors.ts';
import { crc32 } from './image/png.ts';
import { fromBase64Url, toBase64Url } from './base64url.ts';

/** How a taught attribute is named wherever attribute names are accepted: `custom:<token>`. */
export const CUSTOM_PREFIX = 'custom:';
const TOKEN_VERSION = 1;
/** Examples per side: two make a difference of means; more than 64 would make one request encode too many photos. */
export const TEACH_EXAMPLES = { min: 2, max: 64 } as const;
/** A 4096-number code (the API's largest) as float16 plus header and checksum, in base64url. */
export const MAX_TOKEN_LENGTH = Math.ceil(((4096 * 2 + 64 + 8) * 4) / 3);

export interface TaughtAttribute {
  /** Mean code of the positives minus mean code of the negatives: strength 1 moves the average negative to the average positive. */
  vector: Float32Array;
  /** Cosine between the taught vector and each of the model's own attribute vectors. */
  cosines: Record<string, number>;
  suggestedStrength: number;
  /**
   * Share of the examples that fall on their own side of the midpoint when each is left out of the vector it is judged
   * by: near 1 when the examples agree on one direction, near 0.5 when the direction is mostly their noise.
   */
  leaveOneOutAccuracy: number;
}

function mean(codes: Float32Array[], dim: number, skip?: Float32Array): Float64Array {
  const sum = new Float64Array(dim);
  let count = 0;
  for (const code of codes) {
    if (code === skip) continue;
    for (let i = 0; i < dim; i++) sum[i] += code[i];
    count++;
  }
  return sum.map((v) => v / count);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
};

/** One example judged by the direction and midpoint of all the others. */
function sideOfMidpoint(code: Float32Array, positives: Float32Array[], negatives: Float32Array[], dim: number): number {
  const p = mean(positives, dim, code);
  const n = mean(negatives, dim, code);
  const direction = p.map((v, i) => v - n[i]);
  const midpoint = (dot(direction, p) + dot(direction, n)) / 2;
  return dot(direction, code) - midpoint;
}

/** A direction in code space from a few codes that have an attribute and a few that lack it (2 or more of each). */
export function teachAttribute(positives: Float32Array[], negatives: Float32Array[], builtIns: Record<string, { vector: ArrayLike<number> }>): TaughtAttribute {
  const dim = positives[0].length;
  const p = mean(positives, dim);
  const n = mean(negatives, dim);
  const vector = Float32Array.from(p, (v, i) => v - n[i]);
  const length = Math.sqrt(dot(vector, vector));
  const cosines = Object.fromEntries(
    Object.entries(builtIns).map(([name, { vector: other }]) => [name, length > 0 ? dot(vector, other) / (length * Math.sqrt(dot(other, other)) || 1) : 0]),
  );
  const right =
    positives.filter((code) => sideOfMidpoint(code, positives, negatives, dim) > 0).length +
    negatives.filter((code) => sideOfMidpoint(code, positives, negatives, dim) < 0).length;
  return { vector, cosines, suggestedStrength: 1, leaveOneOutAccuracy: right / (positives.length + negatives.length) };
}

/**
 * The token of a taught vector: version, model id, dimension, the vector as float16 and a CRC-32 of all that, in
 * base64url. Stateless (nothing is stored on the server); the checksum catches a token cut short or mistyped, and
 * the id a token used with another model. It is no secret: anyone may send any vector as a latent edit anyway.
 */
export function customToken(modelId: string, vector: Float32Array): string {
  const id = new TextEncoder().encode(modelId);
  const bytes = new Uint8Array(2 + id.length + 2 + 2 * vector.length + 4);
  const view = new DataView(bytes.buffer);
  bytes[0] = TOKEN_VERSION;
  bytes[1] = id.length;
  bytes.set(id, 2);
  view.setUint16(2 + id.length, vector.length, true);
  vector.forEach((v, i) => setFloat16(view, 4 + id.length + 2 * i, v, true));
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return toBase64Url(bytes);
}

const invalid = (why: string) => new InputError(422, 'invalid_custom_attribute', `custom attribute: ${why}`);

/** The vector of a `custom:` token, checked against the model it is applied to. */
export function readCustomToken(token: string, modelId: string, dim: number): Float32Array {
  if (token.length < 12 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid('the token is not base64url of a taught vector');
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(token);
  } catch {
    throw invalid('the token is not base64url of a taught vector (it may have been cut short)');
  }
  const view = new DataView(bytes.buffer);
  if (bytes[0] !== TOKEN_VERSION) throw invalid(`token version ${bytes[0]} is not one this server reads (${TOKEN_VERSION})`);
  const idLength = bytes[1];
  if (bytes.length < 8 + idLength || view.getUint32(bytes.length - 4, true) !== crc32(bytes.subarray(0, bytes.length - 4))) {
    throw invalid('the token is damaged (its checksum does not match): copy it again from the answer that made it');
  }
  const owner = new TextDecoder().decode(bytes.subarray(2, 2 + idLength));
  if (owner !== modelId) throw invalid(`the token was taught on model "${owner}", not "${modelId}"; teach it again on this model`);
  const length = view.getUint16(2 + idLength, true);
  if (length !== dim || bytes.length !== 8 + idLength + 2 * length) throw invalid(`the token holds ${length} numbers; this model's codes have ${dim}`);
  const vector = Float32Array.from({ length }, (_, i) => getFloat16(view, 4 + idLength + 2 * i, true));
  if (!vector.every(Number.isFinite)) throw invalid('the token holds a number that is not finite');
  return vector;
}
