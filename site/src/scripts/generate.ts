import { sampleLatents } from '#core/latent.ts';
import { sampleApiCall } from '../lib/api-calls.ts';
import { paint, type BrowserModel } from '../lib/browser-model.ts';
import { coalesced } from '../lib/coalesce.ts';
import { element, loadSelectedModel, say } from '../lib/page-kit.ts';

const SAMPLE_COUNT = 8;
const select = document.querySelector<HTMLSelectElement>('[data-model-select]');
const status = element('[data-status]');
const seedInput = element<HTMLInputElement>('#gen-seed');
const temperatureInput = element<HTMLInputElement>('#gen-temperature');
const grid = element('#gen-grid');
let model: BrowserModel | undefined;

function seed(): number {
  const value = Math.floor(Number(seedInput.value));
  return Number.isFinite(value) && value >= 0 ? value % 2 ** 32 : 0;
}

const canvases = Array.from({ length: SAMPLE_COUNT }, (_, k) => {
  const item = document.createElement('li');
  const canvas = document.createElement('canvas');
  canvas.className = 'view';
  canvas.setAttribute('role', 'img');
  item.append(canvas);
  grid.append(item);
  canvas.setAttribute('aria-label', `Sample ${k + 1}`);
  return canvas;
});

const render = coalesced(async () => {
  if (!model) return;
  const temperature = Number(temperatureInput.value);
  const images = await model.decode(sampleLatents(model.manifest.latent, SAMPLE_COUNT, seed(), temperature));
  images.forEach((image, k) => {
    paint(canvases[k], image);
    canvases[k].setAttribute('aria-label', `Sample ${k + 1} of seed ${seed()} at temperature ${temperature.toFixed(2)}`);
  });
});

seedInput.addEventListener('input', render);
temperatureInput.addEventListener('input', () => {
  element('#gen-temperature-out').textContent = Number(temperatureInput.value).toFixed(2);
  render();
});
element('#gen-next').addEventListener('click', () => {
  seedInput.value = String((seed() + 1) % 2 ** 32);
  render();
});
element('#gen-api').addEventListener('click', async (event) => {
  if (!model) return;
  const text = sampleApiCall(location.origin, model.manifest.id, seed(), SAMPLE_COUNT, Number(temperatureInput.value));
  element('#gen-api-code').textContent = text;
  element('#gen-api-call').hidden = false;
  (event.currentTarget as HTMLElement).setAttribute('aria-expanded', 'true');
  await navigator.clipboard.writeText(text).then(
    () => say(status, 'API call copied to the clipboard.'),
    () => say(status, 'API call shown below (the clipboard is not available here).'),
  );
});

if (select) {
  loadSelectedModel(select, element<HTMLProgressElement>('[data-model-progress]'), status, (loaded) => {
    model = loaded;
    render();
  });
}
