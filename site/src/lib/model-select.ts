import type { BrowserModel } from './browser-model.ts';
import { describeError } from './describe-error.ts';
import type { ExecutionProvider } from './ort-loader.ts';
import { say, sayError } from './page-elements.ts';
import { siteBase } from './site-base.ts';

/** `?ep=wasm` pins the execution provider (benchmarks measure wasm even where WebGPU exists). */
export function preferredProvider(): ExecutionProvider | undefined {
  const ep = new URLSearchParams(location.search).get('ep');
  return ep === 'wasm' || ep === 'webgpu' ? ep : undefined;
}

/**
 * Loads the model chosen in `select` after first paint, showing progress in `progress`; reloads when the choice changes.
 * `onReady` runs with each newly loaded model.
 */
export function loadSelectedModel(select: HTMLSelectElement, progress: HTMLProgressElement, status: HTMLElement, onReady: (model: BrowserModel) => void): void {
  const load = async () => {
    progress.hidden = false;
    progress.removeAttribute('value');
    say(status, `Loading the ${select.value} model…`);
    try {
      // Imported here so pages pay for the core (zod, codecs) only when a model is actually loaded.
      const { openModel } = await import('./browser-model.ts');
      const model = await openModel(select.value, {
        assetBase: siteBase(),
        prefer: preferredProvider(),
        onProgress: ({ loaded, total }) => {
          progress.max = Math.max(total, 1);
          progress.value = Math.min(loaded, total);
        },
      });
      progress.hidden = true;
      say(status, `${model.manifest.title} is ready (runs here with ${model.executionProviders[0]}).`);
      document.documentElement.dataset.modelReady = select.value;
      onReady(model);
    } catch (error) {
      progress.hidden = true;
      sayError(status, new Error(`The model could not run in this browser: ${describeError(error)}`));
    }
  };
  select.addEventListener('change', () => {
    delete document.documentElement.dataset.modelReady;
    void load();
  });
  // A share link names its model (?model=faces): chosen before the first load.
  const linked = new URLSearchParams(location.search).get('model');
  if (linked && Array.from(select.options).some((option) => option.value === linked)) select.value = linked;
  // After first paint, so the page is readable and interactive before any model byte is requested.
  requestAnimationFrame(() => setTimeout(load, 0));
}
