import type { OpenAPIHono } from '@hono/zod-openapi';
import { withSafetyResponses } from '../middleware/limits-doc.ts';

type Json = Record<string, unknown>;
type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPIDocument']>;

export const OPENAPI_INFO = {
  openapi: '3.0.3',
  info: {
    title: 'latentlab API',
    version: '1.0.0',
    description:
      'Encode, decode, morph, edit and sample images with the latentlab autoencoders. Images go in as multipart/form-data (or the raw body for single-image operations); latents go in as JSON. Every error is JSON: {"error": {"code", "message"}}.',
  },
};

const escapeHtml = (text: unknown) =>
  String(text ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** Escapes prose and renders its `code` spans, the only markup the descriptions use. */
const prose = (text: unknown) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

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

function renderOperation(path: string, method: string, op: Json): string {
  const params = (op.parameters as Json[] | undefined) ?? [];
  const paramRows = params
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}${p.required ? ', required' : ''}</td><td>${escapeHtml(describeSchema(p.schema as Json))}</td><td>${prose((p.schema as Json)?.description ?? p.description)}</td></tr>`,
    )
    .join('');
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const bodyItems = Object.entries(body ?? {})
    .map(([type, media]) => {
      const schema = media.schema as Json | undefined;
      const props = schema?.properties as Record<string, Json> | undefined;
      const fields = props
        ? `<ul>${Object.entries(props)
            .map(([name, p]) => `<li><code>${escapeHtml(name)}</code> ${escapeHtml(describeSchema(p))} ${prose(p.description)}</li>`)
            .join('')}</ul>`
        : ` ${escapeHtml(describeSchema(schema))}`;
      return `<li><code>${escapeHtml(type)}</code>${fields}</li>`;
    })
    .join('');
  const responses = Object.entries((op.responses as Record<string, Json>) ?? {})
    .map(([code, r]) => {
      const types = Object.keys((r.content as Json | undefined) ?? {}).join(', ');
      return `<li><strong>${escapeHtml(code)}</strong> ${prose(r.description)}${types ? ` — <code>${escapeHtml(types)}</code>` : ''}</li>`;
    })
    .join('');
  const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
  return `<section class="op" id="${escapeHtml(id)}">
<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${prose(op.summary)}</p>${op.description ? `<p class="muted">${prose(op.description)}</p>` : ''}
${paramRows ? `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Schema</th><th>Description</th></tr></thead><tbody>${paramRows}</tbody></table>` : ''}
${bodyItems ? `<h4>Request body</h4><ul>${bodyItems}</ul>` : ''}
<h4>Responses</h4><ul>${responses}</ul>
</section>`;
}

/** Renders the OpenAPI document as one self-contained page: no scripts, fonts or styles from elsewhere. */
export function renderDocsPage(doc: OpenApiDocument): string {
  const operations: string[] = [];
  const index: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Json>)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      operations.push(renderOperation(path, method, op));
      index.push(`<li><a href="#${escapeHtml(`${method}-${path}`.replace(/[^a-z0-9]+/gi, '-'))}">${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</a></li>`);
    }
  }
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(([name, schema]) => `<details><summary><code>${escapeHtml(name)}</code></summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} — reference</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;color:#1a1a1a;background:#fff}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}pre{background:#f4f4f4;padding:.75rem;overflow:auto}
.op{border-top:1px solid #ccc;padding:.5rem 0}.method{display:inline-block;min-width:3.5rem;text-align:center;border-radius:4px;color:#fff;padding:0 .4rem;font-size:.85em}
.get{background:#1d5f9e}.post{background:#19703a}.muted{color:#444}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
a{color:#0b4f91}
</style></head>
<body><header><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description)}</p><p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a></p></header>
<nav aria-label="Operations"><ul>${index.join('')}</ul></nav>
<main>${operations.join('\n')}<h2>Schemas</h2>${schemas}</main></body></html>`;
}

export function registerDocsRoutes(app: OpenAPIHono) {
  const document = () => withSafetyResponses(app.getOpenAPIDocument(structuredClone(OPENAPI_INFO)));
  app.get('/v1/openapi.json', (c) => c.json(document()));
  app.get('/v1/docs', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(renderDocsPage(document()));
  });
}
