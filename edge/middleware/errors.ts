import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { InputError } from '../core/errors.ts';
import { ContractError, describeIssues } from '../core/manifest.ts';

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: Record<string, unknown>) {
  return c.json({ error: { code, message, ...(details ? { details } : {}) } }, status);
}

/** The model folder itself is broken: a deployment fault, not the caller's, and no internals leak out. */
export class ModelUnavailableError extends Error {
  constructor(readonly modelId: string, cause: unknown) {
    super(`model "${modelId}" could not be loaded`, { cause });
  }
}

const HTTP_CODES: Partial<Record<number, string>> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export const onError: ErrorHandler = (error, c) => {
  if (error instanceof InputError) return errorResponse(c, error.status, error.code, error.message, error.details);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return errorResponse(c, status, HTTP_CODES[status] ?? 'http_error', error.message || 'request refused');
  }
  if (error instanceof ModelUnavailableError) {
    console.error(error.message, error.cause instanceof ContractError ? error.cause.message : error.cause);
    return errorResponse(c, 503, 'model_unavailable', `${error.message}; the server's model files need attention`);
  }
  // Only the route and the error are logged: request bodies (uploaded photos) never reach the log.
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  return errorResponse(c, 500, 'internal_error', 'the server failed to handle this request');
};

export const onNotFound: NotFoundHandler = (c) =>
  errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}; see /v1/docs`);

/** zod-openapi calls this after validating params, query and JSON bodies. */
export function validationHook(result: { success: boolean; error?: unknown; target?: string }, c: Context) {
  if (result.success) return;
  const issues = describeIssues(result.error as ZodError);
  const where = result.target === 'json' ? 'body' : result.target;
  return errorResponse(c, 422, 'invalid_request', `invalid ${where}: ${issues.join('; ')}`, { issues });
}
