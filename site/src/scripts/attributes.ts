import { analogy, applyAttributes } from '#core/latent.ts';
import { attributesApiCall } from '../lib/api-calls.ts';
import type { BrowserModel } from '../lib/browser-model.ts';
import { coalesced } from '../lib/coalesce.ts';
import { ImageSlot } from '../lib/image-slot.ts';
import { element, loadSelectedModel, say } from '../lib/page-kit.ts';
import { editPhoto, type Subject } from '../lib/photo-subject.ts';
import { PhotoView, photoViewParts } from '../lib/photo-view.ts';

const select = document.querySelector<HTMLSelectElement>('[data-model-select]');
const status = element('[data-status]');
const editCanvas = element<HTMLCanvasElement>('#attr-canvas');
const sliderBox = element('#attr-sliders');
const extraSelect = element<HTMLSelectElement>('#arith-extra');
const extraStrength = element<HTMLInputElement>('#arith-extra-strength');
const announce = (message: string, isError = false) => say(status, message, isError);
const editView = new PhotoView(photoViewParts(element('[data-photo-result="attr-canvas"]')), announce);
const arithView = new PhotoView(photoViewParts(element('[data-photo-result="arith-canvas"]')), announce);
let model: BrowserModel | undefined;
/** When the first slider move not yet on screen happened: the start of the repaint the benchmark measures. */
let editInputAt: number | undefined;

function strengths(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const input of sliderBox.querySelectorAll<HTMLInputElement>('input[type="range"]')) {
    const value = Number(input.value);
    if (value !== 0) out[input.dataset.attribute!] = value;
  }
  return out;
}

/** Decodes the edited code only (the subject's own decode is kept) and shows it: pasted into the photo, or the face. */
async function showEdit(view: PhotoView, loaded: BrowserModel, subject: Subject, edited: Float32Array): Promise<void> {
  const [decoded] = await loaded.decodeOutputs([edited]);
  if (subject.photo) view.showPhoto(subject.photo, editPhoto(subject.photo, subject.decoded, decoded, loaded));
  else view.showFace(loaded.toImage(decoded));
}

const redrawEdit = coalesced(async () => {
  const subject = source.subject;
  const started = editInputAt;
  editInputAt = undefined;
  if (!model || !subject) return;
  const edits = Object.entries(strengths()).map(([name, strength]) => ({ vector: model!.attributes[name].vector, strength }));
  await showEdit(editView, model, subject, applyAttributes(subject.latent, edits));
  // Benchmarks and the browser tests read these (scripts/bench-site.ts).
  if (started !== undefined) performance.measure('latentlab:edit-repaint', { start: started, end: performance.now() });
  editCanvas.dataset.renders = String(Number(editCanvas.dataset.renders ?? 0) + 1);
});

const redrawArithmetic = coalesced(async () => {
  const [a, b, c] = arithmetic.map((slot) => slot.subject);
  if (!model || !a || !b || !c) return;
  let z = analogy(a.latent, b.latent, c.latent);
  const extra = extraSelect.value && model.attributes[extraSelect.value];
  if (extra) z = applyAttributes(z, [{ vector: extra.vector, strength: Number(extraStrength.value) }]);
  // C's photo is the one edited: "C changed the way B became A", as the API's analogy answers with output=photo.
  await showEdit(arithView, model, c, z);
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
      editInputAt ??= performance.now();
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
  const subject = source.subject;
  if (!model || !subject) return;
  const chosen = strengths();
  // An edit with no slider moved would be refused by the API; show the first attribute at strength 1 instead.
  const edits = Object.keys(chosen).length ? chosen : { [Object.keys(model.attributes)[0]]: 1 };
  const upload = subject.photo && { name: subject.photo.name, format: subject.photo.source.format };
  const text = attributesApiCall(location.origin, model.manifest.id, subject.latent, edits, upload);
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
