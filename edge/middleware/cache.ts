import type { Context } from 'hono';
import { sha256Hex } from '#core/sha256.ts';

export const DETERMINISTIC_CACHE = 'public, max-age=86400';

/**
 * If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`; the header is a list of entity
 * tags (quoted, so a comma inside one does not split it) or `*`.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  return (header.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => opaque(tag) === opaque(etag));
}

/** Sets the ETag and Cache-Control of bytes that depend only on the request; true when a GET already holds them (304). */
export async function tagDeterministic(c: Context, bytes: Uint8Array, cacheControl = DETERMINISTIC_CACHE): Promise<boolean> {
  const etag = `"${await sha256Hex(bytes)}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', cacheControl);
  return (c.req.method === 'GET' || c.req.method === 'HEAD') && ifNoneMatchHits(c.req.header('If-None-Match'), etag);
}

/**
 * Responds with bytes that depend only on the request and the model version: a strong ETag (SHA-256 of
 * the body) and Cache-Control let a CDN or browser keep them, and a matching If-None-Match on GET gets 304.
 */
export async function deterministicResponse(c: Context, body: Uint8Array | string, contentType: string, cacheControl = DETERMINISTIC_CACHE): Promise<Response> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  if (await tagDeterministic(c, bytes, cacheControl)) return c.body(null, 304);
  c.header('Content-Type', contentType);
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200);
}
