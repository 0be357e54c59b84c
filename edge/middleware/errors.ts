import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { InputError } from '#core/errors.ts';
import { ContractError, describeIssues } from '#core/manifest.ts';

/** Error bodies stay small whatever the input: a latent of 4,096 wrong values must not echo 4,096 issues. */
export const ERROR_BODY_LIMITS = { messageChars: 1000, detailsBytes: 2048, listedIssues: 10 } as const;

const clip = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);

function shrink(value: unknown, items: number, chars: number, depth = 0): unknown {
  if (typeof value === 'string') return clip(value, chars);
  if (Array.isArray(value)) {
    const kept = value.slice(0, items).map((v) => shrink(v, items, chars, depth + 1));
    return value.length > items ? [...kept, `… ${value.length - items} more`] : kept;
  }
  if (value && typeof value === 'object') {
    if (depth >= 3) return '…';
    return Object.fromEntries(Object.entries(value).slice(0, items).map(([k, v]) => [clip(k, chars), shrink(v, items, chars, depth + 1)]));
  }
  return value;
}

/** Shortens lists and strings step by step until the details fit ERROR_BODY_LIMITS.detailsBytes. */
export function boundDetails(details: Record<string, unknown>): Record<string, unknown> {
  for (const [items, chars] of [[50, 300], [20, 120], [5, 60]]) {
    const bounded = shrink(details, items, chars) as Record<string, unknown>;
    if (JSON.stringify(bounded).length <= ERROR_BODY_LIMITS.detailsBytes) return bounded;
  }
  return { omitted: `details over ${ERROR_BODY_LIMITS.detailsBytes} bytes were left out` };
}

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: Record<string, unknown>) {
  const error = { code, message: clip(message, ERROR_BODY_LIMITS.messageChars), ...(details ? { details: boundDetails(details) } : {}) };
  return c.json({ error }, status);
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
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  503: 'unavailable',
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
  // A client that hung up mid-body is no server fault: one line, no stack; nobody reads the answer.
  if (c.req.raw.signal?.aborted) {
    console.warn(`${c.req.method} ${c.req.path}: the client closed the connection`);
    return errorResponse(c, 400, 'client_closed', 'the client closed the connection before the request was read');
  }
  // Only the route and the error are logged: request bodies (uploaded photos) never reach the log.
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  return errorResponse(c, 500, 'internal_error', 'the server failed to handle this request');
};

export const onNotFound: NotFoundHandler = (c) =>
  errorResponse(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}; see /v1/docs`);

/** What Hono's `app.routes` offers: each handler's method (ALL for middleware) and path pattern. */
export interface RouteTable {
  readonly routes: readonly { method: string; path: string }[];
}

const pattern = (path: string) => new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+').replace(/\*/g, '.*')}$`);

/** The methods `app` serves at `path` (GET implies HEAD), from its route table; empty when no route has the path. */
export function allowedMethods(app: RouteTable, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || !pattern(route.path).test(path)) continue;
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
  }
  if (methods.size) methods.add('OPTIONS');
  return [...methods].sort();
}

/** 404 for paths no route serves; 405 with `Allow` for a known path asked with another method. */
export function notFoundOrWrongMethod(app: RouteTable): NotFoundHandler {
  return (c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (!allowed.length) return onNotFound(c);
    c.header('Allow', allowed.join(', '));
    return errorResponse(c, 405, 'method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(', ')}`, { allowed });
  };
}

/** zod-openapi calls this after validating params, query and JSON bodies. */
export function validationHook(result: { success: boolean; error?: unknown; target?: string }, c: Context) {
  if (result.success) return;
  const issues = describeIssues(result.error as ZodError);
  const where = result.target === 'json' ? 'body' : result.target;
  const shown = issues.slice(0, ERROR_BODY_LIMITS.listedIssues);
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
  return errorResponse(c, 422, 'invalid_request', `invalid ${where}: ${shown.join('; ')}${more}`, { issues, issueCount: issues.length });
}
