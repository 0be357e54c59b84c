import { attributeLabel } from './attribute-labels.ts';
import type { BrowserModel } from './browser-model.ts';
import { preferredProvider } from './model-select.ts';
import { element, say, sayError } from './page-elements.ts';
import { siteBase } from './site-base.ts';
import type { WebcamSession } from './webcam.ts';

/** The page's model, shared with its other controls: openModel hands every caller with the same options one instance. */
async function pageModel(): Promise<BrowserModel> {
  const select = element<HTMLSelectElement>('[data-model-select]');
  const { openModel } = await import('./browser-model.ts');
  return openModel(select.value, { assetBase: siteBase(), prefer: preferredProvider() });
}

function fillAttributes(select: HTMLSelectElement, model: BrowserModel): void {
  const previous = select.value;
  const names = Object.keys(model.attributes);
  // The page's direction names ("Older", "Smile"), in the same order; `edit` applies each label's sign.
  select.replaceChildren(new Option('none', ''), ...names.map((name) => new Option(attributeLabel(name).label, name)));
  select.value = names.includes(previous) ? previous : names.includes('Smiling') ? 'Smiling' : '';
}

/**
 * Wires the live camera component. The pipeline (webcam.ts, the aligner) is imported on "Start camera" only, so a
 * page that never starts the camera pays nothing for it; the strength slider spans each attribute's suggested range.
 */
export function mountWebcam(root: HTMLElement): void {
  const start = element<HTMLButtonElement>('[data-webcam-start]', root);
  const stop = element<HTMLButtonElement>('[data-webcam-stop]', root);
  const views = element('[data-webcam-views]', root);
  const status = element('[data-webcam-status]', root);
  const rate = element('[data-webcam-rate]', root);
  const attribute = element<HTMLSelectElement>('[data-webcam-attribute]', root);
  const strength = element<HTMLInputElement>('[data-webcam-strength]', root);
  const strengthOut = element<HTMLOutputElement>('[data-webcam-strength-out]', root);
  let session: WebcamSession | undefined;
  let model: BrowserModel | undefined;

  const edit = (): Float32Array | undefined => {
    const entry = model && attribute.value ? model.attributes[attribute.value] : undefined;
    if (!entry) return undefined;
    const [, high] = entry.suggestedRange;
    const scale = Number(strength.value) * high * attributeLabel(attribute.value).sign;
    return Float32Array.from(entry.vector, (v) => v * scale);
  };
  strength.addEventListener('input', () => (strengthOut.value = Number(strength.value).toFixed(2)));
  // The page's loader marks <html data-model-ready> once its model runs: the attribute list follows that model.
  const listAttributes = () => {
    if (document.documentElement.dataset.modelReady) void pageModel().then((ready) => fillAttributes(attribute, ready), () => undefined);
  };
  new MutationObserver(listAttributes).observe(document.documentElement, { attributeFilter: ['data-model-ready'] });
  listAttributes();

  const halt = () => {
    session?.stop();
    session = undefined;
    start.hidden = false;
    stop.hidden = true;
    views.hidden = true;
  };
  stop.addEventListener('click', () => {
    halt();
    say(status, 'Camera stopped.');
  });
  start.addEventListener('click', async () => {
    start.disabled = true;
    say(status, 'Starting the camera…');
    try {
      model = await pageModel();
      fillAttributes(attribute, model);
      const [{ startWebcam }, aligner] = await Promise.all([
        import('./webcam.ts'),
        model.manifest.input.face ? import('./browser-aligner.ts').then(({ openAligner }) => openAligner(siteBase(), model!.backend)) : undefined,
      ]);
      views.hidden = false;
      session = await startWebcam({
        model,
        aligner,
        video: element<HTMLVideoElement>('[data-webcam-video]', root),
        output: element<HTMLCanvasElement>('[data-webcam-output]', root),
        edit,
        onFrame: (stats) => {
          root.dataset.framesPerSecond = stats.framesPerSecond.toFixed(1);
          root.dataset.frames = String(stats.frames);
          if (stats.frames % 10 === 0) rate.textContent = `Decoded with the change: ${stats.framesPerSecond.toFixed(1)} frames/s${stats.face ? '' : ' (no face in view: the frame’s centre)'}`;
        },
        onError: (error) => {
          halt();
          sayError(status, error);
        },
      });
      start.hidden = true;
      stop.hidden = false;
      say(status, `The camera runs through ${model.manifest.title}.`);
    } catch (error) {
      halt();
      sayError(status, new Error(`The camera could not start: ${(error as Error).message ?? String(error)}`));
    } finally {
      start.disabled = false;
    }
  });
}
