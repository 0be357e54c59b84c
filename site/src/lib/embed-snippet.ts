/** The widget elements, their attributes, and the snippets that embed them: one source for the Embed page and the iframe. */
export const WIDGET_TAGS = { morph: 'latent-morph', attributes: 'latent-attributes', sample: 'latent-sample' } as const;
export type WidgetName = keyof typeof WIDGET_TAGS;

const ALLOWED_ATTRIBUTES: Record<WidgetName, string[]> = {
  morph: ['model', 'a', 'b', 'path', 'a-code', 'b-code', 't'],
  attributes: ['model', 'attribute', 'src', 'seed', 'code', 'strength'],
  sample: ['model', 'seed', 'temperature'],
};

export interface WidgetSpec {
  widget: WidgetName;
  attributes: Record<string, string>;
}

function isWidgetName(value: string | null): value is WidgetName {
  return value !== null && value in WIDGET_TAGS;
}

/** Keeps only the attributes the widget understands, dropping empty ones. */
export function normaliseSpec(widget: string | null, values: Record<string, string | null | undefined>): WidgetSpec {
  const name: WidgetName = isWidgetName(widget) ? widget : 'sample';
  const attributes: Record<string, string> = {};
  for (const key of ALLOWED_ATTRIBUTES[name]) {
    const value = values[key]?.trim();
    if (value) attributes[key] = value;
  }
  return { widget: name, attributes };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function elementSnippet(spec: WidgetSpec, widgetsUrl: string): string {
  const attributes = Object.entries(spec.attributes)
    .map(([key, value]) => ` ${key}="${escapeHtml(value)}"`)
    .join('');
  const tag = WIDGET_TAGS[spec.widget];
  return `<script type="module" src="${escapeHtml(widgetsUrl)}"></script>\n<${tag}${attributes}></${tag}>`;
}

export function iframeSnippet(spec: WidgetSpec, frameUrl: string): string {
  const query = new URLSearchParams({ widget: spec.widget, ...spec.attributes });
  return `<iframe src="${escapeHtml(`${frameUrl}?${query}`)}" title="latentlab ${spec.widget} widget" width="380" height="520" loading="lazy" style="border:0"></iframe>`;
}

export function widgetFromQuery(query: URLSearchParams): HTMLElement {
  const spec = normaliseSpec(query.get('widget'), Object.fromEntries(query.entries()));
  const element = document.createElement(WIDGET_TAGS[spec.widget]);
  for (const [key, value] of Object.entries(spec.attributes)) element.setAttribute(key, value);
  return element;
}
