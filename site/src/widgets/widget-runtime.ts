import { applyAttributes, lerp, sampleLatents, slerp } from '../../../edge/core/latent.ts';
import { openModel, paint, type BrowserModel } from '../lib/browser-model.ts';
import { describeError } from '../lib/describe-error.ts';
import { decodeUpload } from '../lib/image-input.ts';
import type { WidgetKind } from './widgets.ts';

interface WidgetParts {
  host: HTMLElement;
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

/** A latent from an image URL given as an attribute (fetched with CORS), or a seeded sample when there is none. */
async function latentFrom(model: BrowserModel, url: string | null, seed: number): Promise<Float32Array> {
  if (!url) return sampleLatents(model.manifest.latent, 1, seed)[0];
  const response = await fetch(new URL(url, document.baseURI));
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const { image } = await decodeUpload(await response.blob(), url);
  return model.encode(image);
}

/** Redraws at most once per animation frame. */
function renderer(parts: WidgetParts, model: BrowserModel, latent: () => Float32Array): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(async () => {
      queued = false;
      const [image] = await model.decode([latent()]);
      paint(parts.canvas, image);
      parts.canvas.dataset.renders = String(Number(parts.canvas.dataset.renders ?? 0) + 1);
    });
  };
}

async function mountMorph(parts: WidgetParts, model: BrowserModel): Promise<void> {
  const { host } = parts;
  const [a, b] = await Promise.all([latentFrom(model, host.getAttribute('a'), 11), latentFrom(model, host.getAttribute('b'), 23)]);
  const spherical = host.getAttribute('path') === 'spherical';
  const t = slider(parts, 'morph-t', 'A → B', 0, 1, 0.5);
  const draw = renderer(parts, model, () => (spherical ? slerp(a, b, Number(t.value), model.manifest.latent.mean) : lerp(a, b, Number(t.value))));
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
  const z = await latentFrom(model, parts.host.getAttribute('src'), numberAttribute(parts.host, 'seed', 5, 0, 2 ** 32 - 1));
  const [min, max] = attribute.suggestedRange;
  const strength = slider(parts, 'attribute-strength', name, min, max, 0);
  const draw = renderer(parts, model, () => applyAttributes(z, [{ vector: attribute.vector, strength: Number(strength.value) }]));
  strength.addEventListener('input', draw);
  draw();
}

async function mountSample(parts: WidgetParts, model: BrowserModel): Promise<void> {
  let seed = numberAttribute(parts.host, 'seed', 1, 0, 2 ** 32 - 1);
  const temperature = slider(parts, 'temperature', 'Temperature', 0, 2, numberAttribute(parts.host, 'temperature', 1, 0, 2));
  const draw = renderer(parts, model, () => sampleLatents(model.manifest.latent, 1, seed, Number(temperature.value))[0]);
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
