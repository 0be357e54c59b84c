import { analogy, applyAttributes } from '../../../edge/core/latent.ts';
import { attributesApiCall } from '../lib/api-calls.ts';
import { paint, type BrowserModel } from '../lib/browser-model.ts';
import { ImageSlot } from '../lib/image-slot.ts';
import { element, loadSelectedModel, say } from '../lib/page-kit.ts';

const select = document.querySelector<HTMLSelectElement>('[data-model-select]');
const status = element('[data-status]');
const editCanvas = element<HTMLCanvasElement>('#attr-canvas');
const sliderBox = element('#attr-sliders');
const arithCanvas = element<HTMLCanvasElement>('#arith-canvas');
const extraSelect = element<HTMLSelectElement>('#arith-extra');
const extraStrength = element<HTMLInputElement>('#arith-extra-strength');
let model: BrowserModel | undefined;

/** Runs `draw` once per animation frame at most, however many inputs fire meanwhile. */
function coalesced(draw: () => Promise<void>): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      void draw();
    });
  };
}

function strengths(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const input of sliderBox.querySelectorAll<HTMLInputElement>('input[type="range"]')) {
    const value = Number(input.value);
    if (value !== 0) out[input.dataset.attribute!] = value;
  }
  return out;
}

const redrawEdit = coalesced(async () => {
  const z = source.latent;
  if (!model || !z) return;
  const edits = Object.entries(strengths()).map(([name, strength]) => ({ vector: model!.attributes[name].vector, strength }));
  const [image] = await model.decode([applyAttributes(z, edits)]);
  paint(editCanvas, image);
  editCanvas.dataset.renders = String(Number(editCanvas.dataset.renders ?? 0) + 1);
});

const redrawArithmetic = coalesced(async () => {
  const [a, b, c] = arithmetic.map((slot) => slot.latent);
  if (!model || !a || !b || !c) return;
  let z = analogy(a, b, c);
  const extra = extraSelect.value && model.attributes[extraSelect.value];
  if (extra) z = applyAttributes(z, [{ vector: extra.vector, strength: Number(extraStrength.value) }]);
  const [image] = await model.decode([z]);
  paint(arithCanvas, image);
});

const source = new ImageSlot(element('[data-image-source="attr-source"]'), redrawEdit, 5);
const arithmetic = [
  new ImageSlot(element('[data-image-source="arith-a"]'), redrawArithmetic, 31),
  new ImageSlot(element('[data-image-source="arith-b"]'), redrawArithmetic, 37),
  new ImageSlot(element('[data-image-source="arith-c"]'), redrawArithmetic, 41),
];

function buildSliders(loaded: BrowserModel): void {
  sliderBox.replaceChildren();
  extraSelect.replaceChildren(new Option('none', ''));
  for (const [name, attribute] of Object.entries(loaded.attributes)) {
    const [min, max] = attribute.suggestedRange;
    const id = `attr-${name}`;
    const row = document.createElement('div');
    row.className = 'slider';
    const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: name });
    const input = Object.assign(document.createElement('input'), { type: 'range', id, min: String(min), max: String(max), step: String((max - min) / 100), value: '0' });
    input.dataset.attribute = name;
    if (attribute.description) input.title = attribute.description;
    const output = Object.assign(document.createElement('output'), { textContent: '0.00' });
    output.htmlFor.add(id);
    input.addEventListener('input', () => {
      output.textContent = Number(input.value).toFixed(2);
      redrawEdit();
    });
    row.append(label, input, output);
    sliderBox.append(row);
    extraSelect.append(new Option(`+ ${name}`, name));
  }
  const odd = Object.keys(loaded.attributes).find((name) => /odd/i.test(name));
  extraSelect.value = odd ?? '';
}

element('#attr-reset').addEventListener('click', () => {
  for (const input of sliderBox.querySelectorAll<HTMLInputElement>('input[type="range"]')) {
    input.value = '0';
    input.dispatchEvent(new Event('input'));
  }
});

element('#attr-api').addEventListener('click', async (event) => {
  if (!model || !source.latent) return;
  const chosen = strengths();
  // An edit with no slider moved would be refused by the API; show the first attribute at strength 1 instead.
  const edits = Object.keys(chosen).length ? chosen : { [Object.keys(model.attributes)[0]]: 1 };
  const text = attributesApiCall(location.origin, model.manifest.id, source.latent, edits);
  element('#attr-api-code').textContent = text;
  element('#attr-api-call').hidden = false;
  (event.currentTarget as HTMLElement).setAttribute('aria-expanded', 'true');
  await navigator.clipboard.writeText(text).then(
    () => say(status, 'API call copied to the clipboard.'),
    () => say(status, 'API call shown below (the clipboard is not available here).'),
  );
});

extraSelect.addEventListener('change', redrawArithmetic);
extraStrength.addEventListener('input', () => {
  element('#arith-extra-strength-out').textContent = Number(extraStrength.value).toFixed(2);
  redrawArithmetic();
});

if (select) {
  loadSelectedModel(select, element<HTMLProgressElement>('[data-model-progress]'), status, (loaded) => {
    model = loaded;
    buildSliders(loaded);
    void Promise.all([source, ...arithmetic].map((slot) => slot.setModel(loaded)));
  });
}
