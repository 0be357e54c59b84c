import type { Context, Handler } from 'hono';
import { errorResponse } from '../middleware/errors.ts';
import { PoolRefusal, type ApiPool } from './pool.ts';

export interface ForwardOptions {
  maxBodyBytes: number;
  /** The whole body must arrive within this time, so a slow upload cannot hold its buffer open (408 past it). */
  bodyTimeoutMs: number;
}

type BodyRead = { bytes: ArrayBuffer } | { refusal: Response };

async function readBody(c: Context, { maxBodyBytes, bodyTimeoutMs }: ForwardOptions): Promise<BodyRead> {
  const tooLarge = () => ({ refusal: errorResponse(c, 413, 'payload_too_large', `the request body is over the ${maxBodyBytes}-byte limit`, { limit: maxBodyBytes }) });
  if (Number(c.req.header('Content-Length') ?? 0) > maxBodyBytes) return tooLarge();
  const reader = c.req.raw.body!.getReader();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    reader.cancel().catch(() => undefined);
  }, bodyTimeoutMs);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBodyBytes) {
        await reader.cancel();
        return tooLarge();
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) {
    return { refusal: errorResponse(c, 408, 'request_timeout', `the request body did not arrive within ${bodyTimeoutMs / 1000} s`, { limitMs: bodyTimeoutMs }) };
  }
  const bytes = new Uint8Array(total);
  chunks.reduce((at, chunk) => (bytes.set(chunk, at), at + chunk.byteLength), 0);
  return { bytes: bytes.buffer };
}

const NO_BODY = new Set([204, 304]);

/** Reads the request on the main thread (bounded in bytes and time) and runs it on a pool thread. */
export function forwardToPool(pool: ApiPool, options: ForwardOptions): Handler {
  return async (c) => {
    const request = c.req.raw;
    let body: ArrayBuffer | null = null;
    if (request.body && request.method !== 'GET' && request.method !== 'HEAD') {
      const read = await readBody(c, options);
      if ('refusal' in read) return read.refusal;
      body = read.bytes;
    }
    try {
      const answer = await pool.run({ method: request.method, url: request.url, headers: [...request.headers], body });
      return new Response(NO_BODY.has(answer.status) ? null : answer.body, { status: answer.status, headers: answer.headers });
    } catch (error) {
      if (!(error instanceof PoolRefusal)) throw error;
      c.header('Retry-After', String(error.retryAfterSeconds));
      return errorResponse(c, 503, error.code, error.message, { retryAfterSeconds: error.retryAfterSeconds });
    }
  };
}
