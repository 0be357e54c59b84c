import type { BrowserModel } from './browser-model.ts';
import { describeError } from './describe-error.ts';
import type { ExecutionProvider } from './ort-loader.ts';

/** Root of the built site, from the layout's `<meta name="latentlab-base">`, so pages work under any base path. */
export function siteBase(): URL {
  const base = document.querySelector<HTMLMetaElement>('meta[name="latentlab-base"]')?.content ?? '/';
  return new URL(base, location.href);
}

/** `?ep=wasm` pins the execution provider (benchmarks measure wasm even where WebGPU exists). */
export function preferredProvider(): ExecutionProvider | undefined {
  const ep = new URLSearchParams(location.search).get('ep');
  return ep === 'wasm' || ep === 'webgpu' ? ep : undefined;
}

export function element<T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`page is missing ${selector}`);
  return found;
}

/** Shows a message in a polite live region; errors are styled and announced the same way. */
export function say(status: HTMLElement, message: string, isError = false): void {
  status.textContent = message;
  status.classList.toggle('error', isError);
}

export function sayError(status: HTMLElement, error: unknown): void {
  say(status, describeError(error), true);
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
  // After first paint, so the page is readable and interactive before any model byte is requested.
  requestAnimationFrame(() => setTimeout(load, 0));
}
