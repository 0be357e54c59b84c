import type { Context } from 'hono';
import { sha256Hex } from '../core/sha256.ts';

export const DETERMINISTIC_CACHE = 'public, max-age=86400';

/**
 * Responds with bytes that depend only on the request and the model version: a strong ETag (SHA-256 of
 * the body) and Cache-Control let a CDN or browser keep them, and a matching If-None-Match on GET gets 304.
 */
export async function deterministicResponse(c: Context, body: Uint8Array | string, contentType: string, cacheControl = DETERMINISTIC_CACHE): Promise<Response> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const etag = `"${await sha256Hex(bytes)}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', cacheControl);
  const ifNoneMatch = c.req.header('If-None-Match');
  if ((c.req.method === 'GET' || c.req.method === 'HEAD') && ifNoneMatch?.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    return c.body(null, 304);
  }
  c.header('Content-Type', contentType);
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200);
}
