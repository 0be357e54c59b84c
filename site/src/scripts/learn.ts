import { paint, type BrowserModel } from '../lib/browser-model.ts';
import { coalesced } from '../lib/coalesce.ts';
import { loadSelectedModel } from '../lib/model-select.ts';

const DIMENSIONS_SHOWN = 4;
const select = document.querySelector<HTMLSelectElement>('#code-explorer [data-model-select]');
const canvas = document.querySelector<HTMLCanvasElement>('#code-canvas');
const sliders = document.querySelector<HTMLElement>('#code-sliders');

function explore(model: BrowserModel): void {
  if (!canvas || !sliders) return;
  const { mean, std, dim } = model.manifest.latent;
  sliders.replaceChildren();
  const inputs: HTMLInputElement[] = [];
  const draw = coalesced(async () => {
    const z = Float32Array.from(mean);
    inputs.forEach((input, i) => (z[i] = mean[i] + Number(input.value) * (std[i] || 1)));
    const [image] = await model.decode([z]);
    paint(canvas, image);
  });
  for (let i = 0; i < Math.min(DIMENSIONS_SHOWN, dim); i++) {
    const row = document.createElement('div');
    row.className = 'slider';
    const id = `code-dim-${i}`;
    const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: `Code value ${i + 1}` });
    const input = Object.assign(document.createElement('input'), { type: 'range', id, min: '-3', max: '3', step: '0.05', value: '0' });
    const output = Object.assign(document.createElement('output'), { textContent: '0.00σ' });
    input.addEventListener('input', () => {
      output.textContent = `${Number(input.value).toFixed(2)}σ`;
      draw();
    });
    inputs.push(input);
    row.append(label, input, output);
    sliders.append(row);
  }
  draw();
}

if (select) {
  loadSelectedModel(select, document.querySelector<HTMLProgressElement>('#code-explorer [data-model-progress]')!, document.querySelector<HTMLElement>('#code-explorer [data-status]')!, explore);
}
