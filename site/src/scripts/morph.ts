import type { RgbaImage } from '#core/image/decode.ts';
import { encodeGif, encodePng, horizontalStrip } from '#core/image/encode.ts';
import { interpolate, lerp, slerp, type InterpolationPath } from '#core/latent.ts';
import { downloadBytes, paint, type BrowserModel } from '../lib/browser-model.ts';
import { coalesced } from '../lib/coalesce.ts';
import { ImageSlot } from '../lib/image-slot.ts';
import { element, loadSelectedModel, say, sayError } from '../lib/page-kit.ts';
import { morphImages, type Subject } from '../lib/photo-subject.ts';
import { morphApiCall } from '../lib/api-calls.ts';

const select = document.querySelector<HTMLSelectElement>('[data-model-select]');
const canvas = element<HTMLCanvasElement>('#morph-canvas');
const slider = element<HTMLInputElement>('#morph-t');
const sliderOut = element<HTMLOutputElement>('#morph-t-out');
const playButton = element<HTMLButtonElement>('#morph-play');
const framesInput = element<HTMLInputElement>('#morph-frames');
const status = element('[data-status]');
let model: BrowserModel | undefined;
let playing = false;

const slots = [
  new ImageSlot(element('[data-image-source="morph-a"]'), () => requestFrame(), 11),
  new ImageSlot(element('[data-image-source="morph-b"]'), () => requestFrame(), 23),
];

function ends(): [Subject, Subject] | undefined {
  const [a, b] = slots.map((s) => s.subject);
  return a && b ? [a, b] : undefined;
}

function path(): InterpolationPath {
  return document.querySelector<HTMLInputElement>('input[name="morph-path"]:checked')?.value === 'spherical' ? 'spherical' : 'linear';
}

function frameCount(): number {
  const frames = Math.round(Number(framesInput.value));
  return Number.isFinite(frames) ? Math.min(32, Math.max(2, frames)) : 12;
}

/**
 * Decodes the latent under the slider (with two aligned face photos, their own faces blended through it); coalesced to
 * one decode per animation frame however fast the slider moves.
 */
const requestFrame = coalesced(async () => {
  const pair = ends();
  if (!model || !pair) return;
  const [a, b] = pair;
  const t = Number(slider.value);
  const started = performance.now();
  const z = path() === 'spherical' ? slerp(a.latent, b.latent, t, model.manifest.latent.mean) : lerp(a.latent, b.latent, t);
  const { images, sharp } = await morphImages(model, a, b, [{ t, latent: z }]);
  canvas.classList.toggle('sharp', sharp);
  paint(canvas, images[0]);
  // Benchmarks read these entries (scripts/bench-site.ts).
  performance.measure('latentlab:morph-frame', { start: started, end: performance.now() });
  canvas.dataset.frames = String(Number(canvas.dataset.frames ?? 0) + 1);
});

slider.addEventListener('input', () => {
  const percent = Math.round(Number(slider.value) * 100);
  sliderOut.textContent = `${percent}%`;
  slider.setAttribute('aria-valuetext', `${percent}% of the way from A to B`);
  requestFrame();
});
for (const radio of document.querySelectorAll('input[name="morph-path"]')) radio.addEventListener('change', requestFrame);

function tick(startedAt: number, from: number): void {
  if (!playing) return;
  // Ping-pong over 3 s so the loop never jumps.
  const phase = ((performance.now() - startedAt) / 3000 + from) % 2;
  slider.value = String(phase <= 1 ? phase : 2 - phase);
  slider.dispatchEvent(new Event('input'));
  requestAnimationFrame(() => tick(startedAt, from));
}

playButton.addEventListener('click', () => {
  playing = !playing;
  playButton.setAttribute('aria-pressed', String(playing));
  playButton.textContent = playing ? 'Pause' : 'Play';
  if (playing) tick(performance.now(), Number(slider.value));
});

/** The exported animation: `frames` decoded steps from A to B along the chosen path. */
async function morphFrames(): Promise<{ model: BrowserModel; images: RgbaImage[] } | undefined> {
  const pair = ends();
  if (!model || !pair) {
    say(status, 'Load a model and two images first.', true);
    return undefined;
  }
  const [a, b] = pair;
  const latents = interpolate(a.latent, b.latent, frameCount(), path(), model.manifest.latent.mean);
  const { images } = await morphImages(model, a, b, latents.map((latent, k) => ({ t: k / (latents.length - 1), latent })));
  return { model, images };
}

element('#morph-gif').addEventListener('click', async () => {
  try {
    const morph = await morphFrames();
    if (!morph) return;
    const { images } = morph;
    // Ping-pong so the looping GIF returns smoothly to A.
    downloadBytes(encodeGif([...images, ...images.slice(1, -1).reverse()], 80), `morph-${morph.model.manifest.id}.gif`, 'image/gif');
    say(status, `GIF with ${images.length} frames downloaded.`);
  } catch (error) {
    sayError(status, error);
  }
});

element('#morph-strip').addEventListener('click', async () => {
  try {
    const morph = await morphFrames();
    if (!morph) return;
    downloadBytes(encodePng(horizontalStrip(morph.images)), `morph-${morph.model.manifest.id}.png`, 'image/png');
    say(status, `PNG strip with ${morph.images.length} frames downloaded.`);
  } catch (error) {
    sayError(status, error);
  }
});

element('#morph-api').addEventListener('click', async (event) => {
  const button = event.currentTarget as HTMLButtonElement;
  const panel = element('#morph-api-call');
  const pair = ends();
  if (!model || !pair) return;
  const [a, b] = pair;
  const photos: [string, string] | undefined = a.photo && b.photo ? [a.photo.name, b.photo.name] : undefined;
  const text = morphApiCall(location.origin, model.manifest.id, { a: a.latent, b: b.latent, frames: frameCount(), path: path(), photos });
  element('#morph-api-code').textContent = text;
  panel.hidden = false;
  button.setAttribute('aria-expanded', 'true');
  try {
    await navigator.clipboard.writeText(text);
    say(status, 'API call copied to the clipboard.');
  } catch {
    say(status, 'API call shown below (the clipboard is not available here).');
  }
});

if (select) {
  loadSelectedModel(select, element<HTMLProgressElement>('[data-model-progress]'), status, (loaded) => {
    model = loaded;
    canvas.dataset.frames = '0';
    void Promise.all(slots.map((s) => s.setModel(loaded))).then(requestFrame);
  });
}
