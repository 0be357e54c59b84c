import { elementSnippet, iframeSnippet, normaliseSpec, WIDGET_TAGS } from '../lib/embed-snippet.ts';
import { copyText } from '../lib/api-call-panel.ts';
import { element } from '../lib/page-elements.ts';

const form = element<HTMLFormElement>('#embed-form');
const kind = element<HTMLSelectElement>('#embed-kind');
const model = element<HTMLSelectElement>('#embed-model');
const attribute = element<HTMLSelectElement>('#embed-attribute');
const preview = element('#embed-preview');
const attributesByModel = JSON.parse(form.dataset.attributes ?? '{}') as Record<string, string[]>;
const widgetsUrl = new URL(preview.dataset.widgets ?? '/widgets.js', location.href).href;
const frameUrl = new URL('frame/', location.href).href;
let snippet = '';

function value(id: string): string {
  return element<HTMLInputElement>(`#${id}`).value;
}

function fillAttributes(): void {
  const names = attributesByModel[model.value] ?? [];
  attribute.replaceChildren(...names.map((name) => new Option(name, name)));
}

function update(): void {
  for (const field of form.querySelectorAll<HTMLElement>('[data-for]')) field.hidden = !field.dataset.for!.split(' ').includes(kind.value);
  const spec = normaliseSpec(kind.value, {
    model: model.value,
    attribute: attribute.value,
    a: value('embed-a'),
    b: value('embed-b'),
    seed: value('embed-seed'),
  });
  snippet = elementSnippet(spec, widgetsUrl);
  element('#embed-snippet').textContent = snippet;
  element('#embed-iframe').textContent = iframeSnippet(spec, frameUrl);
  const widget = document.createElement(WIDGET_TAGS[spec.widget]);
  for (const [key, attributeValue] of Object.entries(spec.attributes)) widget.setAttribute(key, attributeValue);
  preview.replaceChildren(widget);
}

model.addEventListener('change', fillAttributes);
form.addEventListener('input', update);
form.addEventListener('change', update);
form.addEventListener('submit', (event) => event.preventDefault());
element('#embed-copy').addEventListener('click', () => void copyText(snippet, 'Snippet', (message) => (element('#embed-status').textContent = message)));

fillAttributes();
update();
// The live preview uses the very loader a blog would include.
await import(/* @vite-ignore */ widgetsUrl);
