import { applyAttributes, lerp, sampleLatents, slerp } from '#core/latent.ts';
import { openModel, paint, type BrowserModel } from '../lib/browser-model.ts';
import { coalesced } from '../lib/coalesce.ts';
import { describeError } from '../lib/describe-error.ts';
import { decodeUpload, type PickedImage } from '../lib/image-input.ts';
import { alignedPhoto, editPhoto, morphImages, subjectOf, type Subject, type UploadedPhoto } from '../lib/photo-subject.ts';
import { PhotoView } from '../lib/photo-view.ts';
import type { WidgetKind } from './widgets.ts';

interface WidgetParts {
  host: HTMLElement;
  /** Where models/ and ort/ (and models/align/ for face photos) are served. */
  assets: URL;
  root: ShadowRoot;
  canvas: HTMLCanvasElement;
  controls: HTMLElement;
  status: HTMLElement;
}

function numberAttribute(host: HTMLElement, name: string, fallback: number, min: number, max: number): number {
  const value = Number(host.getAttribute(name) ?? fallback);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/** Slider with a visible label; ids are scoped to this shadow root, so several widgets on one page do not clash. */
function slider(parts: WidgetParts, id: string, text: string, min: number, max: number, value: number): HTMLInputElement {
  const row = document.createElement('div');
  row.className = 'row';
  const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: text });
  const input = Object.assign(document.createElement('input'), { type: 'range', id, min: String(min), max: String(max), step: String((max - min) / 100), value: String(value) });
  row.append(label, input);
  parts.controls.append(row);
  return input;
}

function button(parts: WidgetParts, text: string): HTMLButtonElement {
  const element = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
  parts.controls.append(element);
  return element;
}

/**
 * The subject of an image URL given as an attribute (fetched with CORS): for a face model its face is found and aligned
 * as on the site's pages, so edits paste into the photo; without a face, the model's default crop. A seeded sample when
 * there is no URL.
 */
async function subjectFrom(parts: WidgetParts, model: BrowserModel, url: string | null, seed: number): Promise<Subject> {
  if (!url) return subjectOf(model, sampleLatents(model.manifest.latent, 1, seed)[0]);
  const response = await fetch(new URL(url, document.baseURI));
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const picked = await decodeUpload(await response.blob(), url.split('/').pop() || 'photo');
  const aligned = model.manifest.input.face ? await alignFace(parts, model, picked) : undefined;
  if (aligned) return subjectOf(model, aligned.latent, aligned.photo);
  return subjectOf(model, await model.encode(picked.image));
}

/** The aligned face's code and photo, or undefined when no usable face is found (the widget then shows the crop). */
async function alignFace(parts: WidgetParts, model: BrowserModel, picked: PickedImage): Promise<{ latent: Float32Array; photo: UploadedPhoto } | undefined> {
  const { width, height, face } = model.manifest.input;
  try {
    const { openAligner } = await import('../lib/browser-aligner.ts');
    const aligner = await openAligner(parts.assets, model.backend);
    const alignment = await aligner.align(picked.image, { width, height, face: face! });
    return { latent: await model.encode(alignment.image, { kind: 'none' }), photo: alignedPhoto(picked, alignment, model.manifest.input) };
  } catch {
    // No face, one too small, or a host without models/align/: the model's default crop still gives a picture.
    return undefined;
  }
}

/** Draws at most once per animation frame; counts draws in the canvas's data-renders (the tests wait on it). */
function renderer(parts: WidgetParts, draw: () => Promise<void>): () => void {
  return coalesced(async () => {
    await draw();
    parts.canvas.dataset.renders = String(Number(parts.canvas.dataset.renders ?? 0) + 1);
  });
}

/** A photo widget's before/after split and download, shown only while it holds a photo (as on the attributes page). */
function photoView(parts: WidgetParts): PhotoView {
  const photoControls = document.createElement('div');
  photoControls.className = 'controls';
  photoControls.hidden = true;
  parts.controls.append(photoControls);
  const compare = slider({ ...parts, controls: photoControls }, 'compare', 'Original', 0, 1, 0);
  const download = button({ ...parts, controls: photoControls }, 'Download edited photo');
  return new PhotoView({ canvas: parts.canvas, photoControls, compare, download }, (message, isError) => {
    parts.status.textContent = message;
    parts.status.classList.toggle('error', Boolean(isError));
  });
}

async function mountMorph(parts: WidgetParts, model: BrowserModel): Promise<void> {
  const { host } = parts;
  const [a, b] = await Promise.all([subjectFrom(parts, model, host.getAttribute('a'), 11), subjectFrom(parts, model, host.getAttribute('b'), 23)]);
  const spherical = host.getAttribute('path') === 'spherical';
  const t = slider(parts, 'morph-t', 'A → B', 0, 1, 0.5);
  const draw = renderer(parts, async () => {
    const at = Number(t.value);
    const latent = spherical ? slerp(a.latent, b.latent, at, model.manifest.latent.mean) : lerp(a.latent, b.latent, at);
    const { images, sharp } = await morphImages(model, a, b, [{ t: at, latent }]);
    parts.canvas.classList.toggle('sharp', sharp);
    paint(parts.canvas, images[0]);
  });
  t.addEventListener('input', draw);
  const play = button(parts, 'Play');
  play.setAttribute('aria-pressed', 'false');
  let playing = false;
  const tick = (startedAt: number) => {
    if (!playing) return;
    const phase = ((performance.now() - startedAt) / 3000) % 2;
    t.value = String(phase <= 1 ? phase : 2 - phase);
    draw();
    requestAnimationFrame(() => tick(startedAt));
  };
  play.addEventListener('click', () => {
    playing = !playing;
    play.textContent = playing ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(playing));
    if (playing) tick(performance.now());
  });
  draw();
}

async function mountAttributes(parts: WidgetParts, model: BrowserModel): Promise<void> {
  const names = Object.keys(model.attributes);
  const name = parts.host.getAttribute('attribute') ?? names[0];
  const attribute = model.attributes[name];
  if (!attribute) throw new Error(`the ${model.manifest.id} model has no attribute "${name}" (it has ${names.join(', ')})`);
  const subject = await subjectFrom(parts, model, parts.host.getAttribute('src'), numberAttribute(parts.host, 'seed', 5, 0, 2 ** 32 - 1));
  const [min, max] = attribute.suggestedRange;
  const strength = slider(parts, 'attribute-strength', name, min, max, 0);
  const view = photoView(parts);
  const draw = renderer(parts, async () => {
    const [decoded] = await model.decodeOutputs([applyAttributes(subject.latent, [{ vector: attribute.vector, strength: Number(strength.value) }])]);
    if (subject.photo) view.showPhoto(subject.photo, editPhoto(subject.photo, subject.decoded, decoded, model));
    else view.showFace(model.toImage(decoded));
  });
  strength.addEventListener('input', draw);
  draw();
}

async function mountSample(parts: WidgetParts, model: BrowserModel): Promise<void> {
  let seed = numberAttribute(parts.host, 'seed', 1, 0, 2 ** 32 - 1);
  const temperature = slider(parts, 'temperature', 'Temperature', 0, 2, numberAttribute(parts.host, 'temperature', 1, 0, 2));
  const draw = renderer(parts, async () => {
    const [image] = await model.decode(sampleLatents(model.manifest.latent, 1, seed, Number(temperature.value)));
    paint(parts.canvas, image);
  });
  temperature.addEventListener('input', draw);
  button(parts, 'New sample').addEventListener('click', () => {
    seed = (seed + 1) % 2 ** 32;
    draw();
  });
  draw();
}

const MOUNTS: Record<WidgetKind, (parts: WidgetParts, model: BrowserModel) => Promise<void>> = {
  morph: mountMorph,
  attributes: mountAttributes,
  sample: mountSample,
};

export async function mountWidget(kind: WidgetKind, host: HTMLElement, root: ShadowRoot, assets: URL): Promise<void> {
  const parts: WidgetParts = {
    host,
    assets,
    root,
    canvas: root.querySelector('canvas')!,
    controls: root.querySelector('.controls')!,
    status: root.querySelector('.status')!,
  };
  const progress = root.querySelector('progress')!;
  const modelId = host.getAttribute('model') ?? 'digits';
  try {
    progress.hidden = false;
    const model = await openModel(modelId, {
      assetBase: assets,
      onProgress: ({ loaded, total }) => {
        progress.max = Math.max(1, total);
        progress.value = loaded;
      },
    });
    await MOUNTS[kind](parts, model);
    parts.status.textContent = `${model.manifest.title}, running in your browser.`;
    host.dataset.ready = 'true';
  } catch (error) {
    parts.status.textContent = `This widget could not run: ${describeError(error)}`;
    parts.status.classList.add('error');
  } finally {
    progress.hidden = true;
  }
}
