import { describe, expect, it } from 'vitest';
import { EXAMPLE_ORIGIN, renderOpenApiPage, renderOpenApiReference, type OpenApiDocument } from './openapi-render.ts';

const doc: OpenApiDocument = {
  info: { title: 'Test <API>', version: '1' },
  paths: {
    '/v1/things/{id}': {
      parameters: [],
      get: {
        summary: 'A `thing` & more',
        parameters: [{ name: 'size', in: 'query', schema: { type: 'integer', minimum: 8, default: 64, description: 'Longer side' } }],
        responses: { 200: { description: 'OK', content: { 'image/png': {} } } },
        'x-codeSamples': [{ lang: 'shell', label: 'curl', source: `curl '${EXAMPLE_ORIGIN}/v1/things/a?size=64' -o a.png` }],
      },
    },
  },
  components: { schemas: { Thing: { type: 'object' } } },
};

describe('renderOpenApiReference', () => {
  it('renders each operation with its example at the given origin, its parameters and responses, escaped', () => {
    const html = renderOpenApiReference(doc, { origin: 'https://api.example' });
    expect(html).toContain(`<pre class="example"><code>curl &#39;https://api.example/v1/things/a?size=64&#39; -o a.png</code></pre>`);
    expect(html).not.toContain(EXAMPLE_ORIGIN);
    expect(html).toContain('A <code>thing</code> &amp; more');
    expect(html).toContain('<dt><code>size</code> <span class="where">query · integer, ≥ 8, default 64</span></dt><dd>Longer side</dd>');
    expect(html).toContain('<strong>200</strong> OK — <code>image/png</code>');
    expect(html).toContain('<a href="#get-v1-things-id-">GET /v1/things/{id}</a>');
    // Path-level keys such as `parameters` are not operations.
    expect(html.match(/class="op"/g)).toHaveLength(1);
    expect(html).toContain('<summary><code>Thing</code></summary>');
  });

  it('keeps the examples’ own origin by default, and the whole page holds no script', () => {
    expect(renderOpenApiReference(doc)).toContain(`${EXAMPLE_ORIGIN}/v1/things/a`);
    const page = renderOpenApiPage(doc);
    expect(page).toContain('<title>Test &lt;API&gt; — reference</title>');
    expect(page).not.toMatch(/<script/i);
  });
});
