/** Renders an OpenAPI 3 document as accessible HTML: one section per operation, with a copyable curl example. */

interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: { type?: string; default?: unknown; enum?: unknown[] } }[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { description?: string }>;
}
export interface OpenApiDocument {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'delete'];

function node<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), props);
  if (text !== undefined) element.textContent = text;
  return element;
}

export function curlExample(origin: string, method: string, path: string, operation: Operation): string {
  const url = `${origin}${path.replace('{id}', 'faces')}`;
  const content = Object.keys(operation.requestBody?.content ?? {});
  if (method === 'get') return `curl '${url}'`;
  if (content.includes('multipart/form-data')) return `curl -X POST '${url}' -F image=@face.png -o out.png`;
  if (content.includes('application/json')) return `curl -X POST '${url}' -H 'content-type: application/json' -d @request.json -o out.png`;
  return `curl -X ${method.toUpperCase()} '${url}'`;
}

export function renderOpenApi(target: HTMLElement, doc: OpenApiDocument, origin: string): void {
  target.replaceChildren();
  if (doc.info?.title) target.append(node('p', `${doc.info.title} ${doc.info.version ?? ''}`.trim()));
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS.filter((m) => item[m])) {
      const operation = item[method];
      const section = node('section', undefined, { className: 'panel' });
      section.style.marginBottom = '1rem';
      const heading = node('h2');
      heading.append(node('code', `${method.toUpperCase()} ${path}`));
      section.append(heading);
      if (operation.summary) section.append(node('p', operation.summary));
      if (operation.description && operation.description !== operation.summary) section.append(node('p', operation.description));
      if (operation.parameters?.length) {
        const table = node('table');
        table.append(node('caption', `Parameters of ${method.toUpperCase()} ${path}`, { className: 'visually-hidden' }));
        const head = node('tr');
        for (const title of ['Name', 'In', 'Type', 'Description']) head.append(node('th', title, { scope: 'col' }));
        table.append(node('thead'), node('tbody'));
        table.tHead!.append(head);
        for (const p of operation.parameters) {
          const row = node('tr');
          const type = p.schema?.enum ? p.schema.enum.join(' | ') : (p.schema?.type ?? '');
          const defaults = p.schema?.default !== undefined ? ` (default ${JSON.stringify(p.schema.default)})` : '';
          row.append(node('td', `${p.name}${p.required ? ' *' : ''}`), node('td', p.in), node('td', type + defaults), node('td', p.description ?? ''));
          table.tBodies[0].append(row);
        }
        const scroll = node('div', undefined, { className: 'table-scroll' });
        scroll.append(table);
        section.append(scroll);
      }
      const bodies = Object.keys(operation.requestBody?.content ?? {});
      if (bodies.length) section.append(node('p', `Request body: ${bodies.join(', ')}`));
      const responses = Object.entries(operation.responses ?? {}).map(([code, r]) => `${code} ${r.description ?? ''}`.trim());
      if (responses.length) section.append(node('p', `Responses: ${responses.join('; ')}`));
      const example = curlExample(origin, method, path, operation);
      const pre = node('pre');
      pre.append(node('code', example));
      const copy = node('button', 'Copy example', { type: 'button', className: 'secondary' });
      copy.setAttribute('aria-label', `Copy example for ${method.toUpperCase()} ${path}`);
      copy.addEventListener('click', () => void navigator.clipboard.writeText(example).catch(() => undefined));
      section.append(pre, copy);
      target.append(section);
    }
  }
}
