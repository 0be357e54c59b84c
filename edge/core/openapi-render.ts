/**
 * The one OpenAPI renderer: the API's /v1/docs and the site's /api/ page (at build time) show the same HTML. A pure
 * function of the document, with no DOM, so it runs on Node, Workers and in Astro. Written here rather than using a
 * reference UI (Swagger UI, Redoc, Scalar): those are client-side apps of hundreds of KB that need JavaScript,
 * while this page must read at 390 px with no script at all.
 */

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Json;
}

interface Operation {
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { description?: string; content?: Json }>;
  /** Redoc's convention for examples: [{ lang, label?, source }]; the API writes one curl call per route. */
  'x-codeSamples'?: { lang: string; label?: string; source: string }[];
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, object>;
  components?: { schemas?: Record<string, unknown> };
}

/** The origin the examples are written for (`npm start`); replaced by the origin a page is served from when known. */
export const EXAMPLE_ORIGIN = 'http://127.0.0.1:8787';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const escapeHtml = (text: unknown) =>
  String(text ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Escapes prose and renders its `code` spans, the only markup the descriptions use. */
const prose = (text: unknown) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

const anchor = (method: string, path: string) => `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');

/** One line describing a schema: type, enum, bounds, default — what a caller needs to pick a value. */
function describeSchema(schema: Json | undefined): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  const parts: string[] = [];
  if (Array.isArray(schema.enum)) parts.push(schema.enum.map((v) => JSON.stringify(v)).join(' | '));
  else if (schema.type) parts.push(String(schema.type) + (schema.format ? ` (${schema.format})` : ''));
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}

// Parameters and body fields are definition lists, not tables: a four-column table cannot fit a 390 px screen.
function parameterList(parameters: Parameter[]): string {
  const items = parameters.map((p) => {
    const where = `${p.in}${p.required ? ', required' : ''}`;
    const schema = describeSchema(p.schema);
    return `<dt><code>${escapeHtml(p.name)}</code> <span class="where">${escapeHtml(where)}${schema ? ` · ${escapeHtml(schema)}` : ''}</span></dt><dd>${prose(p.schema?.description ?? p.description)}</dd>`;
  });
  return items.length ? `<h4>Parameters</h4><dl class="params">${items.join('')}</dl>` : '';
}

function requestBody(content: Record<string, { schema?: Json }> | undefined): string {
  const items = Object.entries(content ?? {}).map(([type, media]) => {
    const props = media.schema?.properties as Record<string, Json> | undefined;
    const fields = props
      ? `<dl class="params">${Object.entries(props)
          .map(([name, p]) => `<dt><code>${escapeHtml(name)}</code> <span class="where">${escapeHtml(describeSchema(p))}</span></dt><dd>${prose(p.description)}</dd>`)
          .join('')}</dl>`
      : ` <span class="where">${escapeHtml(describeSchema(media.schema))}</span>`;
    return `<li><code>${escapeHtml(type)}</code>${fields}</li>`;
  });
  return items.length ? `<h4>Request body</h4><ul class="bodies">${items.join('')}</ul>` : '';
}

function responseList(responses: Operation['responses']): string {
  const items = Object.entries(responses ?? {}).map(([code, r]) => {
    const types = Object.keys(r.content ?? {}).join(', ');
    return `<li><strong>${escapeHtml(code)}</strong> ${prose(r.description)}${types ? ` — <code>${escapeHtml(types)}</code>` : ''}</li>`;
  });
  return `<h4>Responses</h4><ul>${items.join('')}</ul>`;
}

function examples(op: Operation, origin: string): string {
  const samples = op['x-codeSamples'] ?? [];
  return samples
    .map((s) => `<h4>${escapeHtml(s.label ?? s.lang)}</h4><pre class="example"><code>${escapeHtml(s.source.replaceAll(EXAMPLE_ORIGIN, origin))}</code></pre>`)
    .join('');
}

function operationSection(path: string, method: string, op: Operation, origin: string): string {
  return `<section class="op" id="${escapeHtml(anchor(method, path))}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${prose(op.summary)}</p>${op.description ? `<p class="muted">${prose(op.description)}</p>` : ''}
${examples(op, origin)}${parameterList(op.parameters ?? [])}${requestBody(op.requestBody?.content)}${responseList(op.responses)}
</section>`;
}

export interface RenderOptions {
  /** Where the API answers, for the examples (default EXAMPLE_ORIGIN). */
  origin?: string;
}

/** The reference itself, for embedding in a page: an index of the operations, one section each, and the schemas. */
export function renderOpenApiReference(doc: OpenApiDocument, { origin = EXAMPLE_ORIGIN }: RenderOptions = {}): string {
  const operations: string[] = [];
  const index: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      operations.push(operationSection(path, method, op, origin));
      index.push(`<li><a href="#${escapeHtml(anchor(method, path))}">${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</a></li>`);
    }
  }
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(([name, schema]) => `<details><summary><code>${escapeHtml(name)}</code></summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`)
    .join('');
  return `<div class="openapi"><nav aria-label="Operations"><ul class="index">${index.join('')}</ul></nav>
${operations.join('\n')}<h2>Schemas</h2>${schemas}</div>`;
}

/** Layout shared by both pages: long paths, code and examples wrap instead of widening the page. */
export const REFERENCE_CSS = `.openapi code,.openapi pre{font-family:ui-monospace,monospace;font-size:.9em;overflow-wrap:anywhere}
.openapi pre{padding:.75rem;white-space:pre-wrap;border-radius:4px}
.openapi .op{border-top:1px solid #ccc;padding:.5rem 0}.openapi h3{overflow-wrap:anywhere}
.openapi .method{display:inline-block;min-width:3.5rem;text-align:center;border-radius:4px;color:#fff;padding:0 .4rem;font-size:.85em}
.openapi .get{background:#1d5f9e}.openapi .post{background:#19703a}
.openapi dl.params{margin:.25rem 0}.openapi dt{margin-top:.5rem}.openapi dd{margin:0 0 0 1rem}.openapi .where{font-size:.9em}
.openapi ul.index,.openapi ul.bodies{padding-left:1.25rem}`;

/** /v1/docs: the reference as one self-contained page, with no scripts, fonts or styles from elsewhere. */
export function renderOpenApiPage(doc: OpenApiDocument, options: RenderOptions = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} — reference</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a;background:#fff}
.openapi pre{background:#f4f4f4}.muted,.where{color:#444}a{color:#0b4f91}
${REFERENCE_CSS}
</style></head>
<body><header><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${prose(doc.info.description)}</p><p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a></p></header>
<main>${renderOpenApiReference(doc, options)}</main></body></html>`;
}
