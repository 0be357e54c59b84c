import { downloadBlob } from '../downloads.ts';
import { element, say } from '../page-elements.ts';
import { siteBase } from '../site-base.ts';
import { drawDigitRows, drawLossChart, type ChartData } from './loss-chart.ts';
import { SAMPLE_DIGITS, type TrainEvent, type TrainRequest } from './protocol.ts';

/**
 * Wires one TrainPanel.astro: starts the worker on "Train", shows what it reports, pauses and resumes it, and saves
 * the exported zip and the loss log. The URL may pin the run (`?model=dense&seed=3&backend=wasm`) for a reproducible link.
 */
export function wireTrainPanel(panel: HTMLElement): void {
  const $ = <T extends HTMLElement>(selector: string) => element<T>(selector, panel);
  const status = $('[data-train-status]');
  const startButton = $<HTMLButtonElement>('[data-train-start]');
  const pauseButton = $<HTMLButtonElement>('[data-train-pause]');
  const exportButton = $<HTMLButtonElement>('[data-train-export]');
  const logButton = $<HTMLButtonElement>('[data-train-log]');
  const chart = $<HTMLCanvasElement>('[data-train-chart]');
  const grid = $<HTMLCanvasElement>('[data-train-grid]');
  const stat = (name: string, text: string) => ($(`[data-stat="${name}"]`).textContent = text);
  const params = new URLSearchParams(location.search);
  const radios = [...panel.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
  const linked = radios.find((r) => r.value === params.get('model'));
  if (linked) linked.checked = true;

  let worker: Worker | undefined;
  let paused = false;
  let samples: Float32Array | undefined;
  let modelKey = '';
  const history: Record<string, number>[] = [];
  const data: ChartData = { training: [], validation: [] };

  let onOpened: (event: Extract<TrainEvent, { type: 'opened' | 'error' }>) => void = () => undefined;
  const onEvent = (event: TrainEvent) => {
    if (event.type === 'status') say(status, event.text);
    else if (event.type === 'opened' || (event.type === 'error' && event.about === 'open')) onOpened(event);
    else if (event.type === 'error') {
      say(status, event.message, true);
      startButton.disabled = false;
    } else if (event.type === 'ready') {
      samples = event.samples;
      data.pca = event.pcaValidationMse;
      stat('backend', event.backend);
      stat('pca', event.pcaValidationMse.toFixed(5));
      drawDigitRows(grid, [samples, new Float32Array(samples.length)], SAMPLE_DIGITS);
      say(status, event.stepsPerEpoch ? `Training on ${event.trainImages.toLocaleString()} digits, ${event.stepsPerEpoch} steps an epoch.` : 'PCA fitted.');
      pauseButton.disabled = event.stepsPerEpoch === 0;
      exportButton.disabled = logButton.disabled = false;
    } else if (event.type === 'progress') {
      event.losses.forEach((losses, i) => {
        history.push(losses);
        data.training.push([event.step - event.losses.length + i + 1, losses.loss_reconstruction ?? losses.loss]);
      });
      stat('step', String(event.step));
      stat('epoch', event.epoch.toFixed(2));
      stat('rate', Math.round(event.imagesPerSecond).toLocaleString());
      stat('loss', (history.at(-1)?.loss_reconstruction ?? history.at(-1)?.loss ?? 0).toFixed(5));
      stat('time', `${event.seconds.toFixed(1)} s`);
      drawLossChart(chart, data);
    } else if (event.type === 'evaluation') {
      data.validation.push([event.step, event.validationMse]);
      const ratio = data.pca ? ` (${(event.validationMse / data.pca).toFixed(2)}× PCA-32)` : '';
      stat('validation', `${event.validationMse.toFixed(5)}${ratio}`);
      chart.setAttribute('aria-label', `Loss curve: validation MSE ${event.validationMse.toFixed(5)} at step ${event.step}, PCA-32 ${data.pca?.toFixed(5)}`);
      if (samples) drawDigitRows(grid, [samples, event.reconstructions], SAMPLE_DIGITS);
      drawLossChart(chart, data);
    } else if (event.type === 'finished') {
      say(status, event.reason);
      pauseButton.disabled = true;
    } else if (event.type === 'exported') {
      downloadBlob(new Blob([event.zip as BlobPart], { type: 'application/zip' }), event.fileName);
      say(status, `Saved ${event.fileName}: ${event.files.join(', ')}.`);
    }
  };

  const newWorker = () => {
    const made = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: 'latentlab-train' });
    made.onmessage = ({ data: event }: MessageEvent<TrainEvent>) => onEvent(event);
    made.onerror = (error) => say(status, `The training worker failed: ${error.message}`, true);
    return made;
  };
  const send = (request: TrainRequest, transfer: Transferable[] = []) => (worker ??= newWorker()).postMessage(request, transfer);
  const backend = params.get('backend');
  const preferred = () => (backend === 'wasm' || backend === 'webgpu' ? backend : undefined);
  startButton.addEventListener('click', () => {
    worker?.terminate();
    worker = newWorker();
    history.length = data.training.length = data.validation.length = 0;
    paused = false;
    pauseButton.textContent = 'Pause';
    modelKey = radios.find((r) => r.checked)?.value ?? 'conv';
    const seed = Number(params.get('seed') ?? 1);
    send({ type: 'start', model: modelKey, seed: Number.isInteger(seed) && seed >= 0 ? seed : 1, assetBase: siteBase().href, prefer: preferred() });
    startButton.textContent = 'Start over';
  });
  pauseButton.addEventListener('click', () => {
    paused = !paused;
    send({ type: paused ? 'pause' : 'resume' });
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
    say(status, paused ? 'Paused.' : 'Training…');
  });
  exportButton.addEventListener('click', () => send({ type: 'export', id: `my-${modelKey}-digits` }));
  logButton.addEventListener('click', () => {
    const names = [...new Set(history.flatMap((h) => Object.keys(h)))];
    const lines = [['step', ...names].join(','), ...history.map((h, i) => [i + 1, ...names.map((n) => h[n] ?? '')].join(','))];
    downloadBlob(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }), `my-${modelKey}-digits-losses.csv`);
  });
  const openInput = $<HTMLInputElement>('[data-train-open]');
  const openStatus = $('[data-train-open-status]');
  const openGrid = $<HTMLCanvasElement>('[data-train-open-grid]');
  openInput.addEventListener('change', async () => {
    const file = openInput.files?.[0];
    if (!file) return;
    say(openStatus, `Checking ${file.name}…`);
    const zip = new Uint8Array(await file.arrayBuffer());
    send({ type: 'open', zip, assetBase: siteBase().href, prefer: preferred() }, [zip.buffer]);
  });
  onOpened = (event) => {
    openGrid.hidden = event.type === 'error';
    if (event.type === 'error') return say(openStatus, event.message, true);
    drawDigitRows(openGrid, [event.samples, event.reconstructions], SAMPLE_DIGITS);
    say(openStatus, `${event.title} (${event.id}): a valid model folder, code size ${event.dim}; validation MSE on the 1,000 validation digits ${event.validationMse.toFixed(5)}.`);
  };
}
