import { latentToParam, strengthsToParam } from '#core/permalink.ts';
import { AttributeTool } from '../lib/attribute-tool.ts';
import { openModel, type BrowserModel } from '../lib/browser-model.ts';
import { describeError } from '../lib/describe-error.ts';
import { MorphTool } from '../lib/morph-tool.ts';
import { SampleTool, SEED } from '../lib/sample-tool.ts';
import { announcer, button, numberAttribute, openInSite, photoView, slider, subjectFrom, type WidgetParts } from './widget-parts.ts';
import type { WidgetKind } from './widgets.ts';

const UNIT = { min: 0, max: 1, integer: false, reason: 'it is a fraction of the way from A to B' };

async function mountMorph(parts: WidgetParts, model: BrowserModel): Promise<void> {
  const { host } = parts;
  const [a, b] = await Promise.all([
    subjectFrom(parts, model, { code: 'a-code', url: 'a' }, 11),
    subjectFrom(parts, model, { code: 'b-code', url: 'b' }, 23),
  ]);
  const t = slider(parts, 'morph-t', 'A → B', { min: 0, max: 1, step: 0.01, value: numberAttribute(parts, 't', { ...UNIT, fallback: 0.5 }) });
  const tool = new MorphTool(
    { canvas: parts.canvas, slider: t, play: button(parts, 'Play'), gif: button(parts, 'Download GIF'), announce: announcer(parts) },
    host.getAttribute('path') === 'spherical' ? 'spherical' : 'linear',
  );
  const link = openInSite(parts, 'morph', () => ({ model: model.manifest.id, a: latentToParam(a.latent), b: latentToParam(b.latent), t: String(tool.state.t), path: tool.path }));
  tool.onChange = link;
  tool.setModel(model);
  tool.setEnds(a, b);
}

async function mountAttributes(parts: WidgetParts, model: BrowserModel): Promise<void> {
  const names = Object.keys(model.attributes);
  const name = parts.host.getAttribute('attribute') ?? names[0];
  const attribute = model.attributes[name];
  if (!attribute) throw new Error(`the ${model.manifest.id} model has no attribute "${name}" (it has ${names.join(', ')})`);
  const subject = await subjectFrom(parts, model, { code: 'code', url: 'src' }, numberAttribute(parts, 'seed', { ...SEED, fallback: 5 }));
  const sliders = document.createElement('div');
  parts.controls.append(sliders);
  const tool = new AttributeTool({ view: photoView(parts), canvas: parts.canvas, sliders, sliderId: () => 'attribute-strength', announce: announcer(parts) });
  const link = openInSite(parts, 'attributes', () => ({ model: model.manifest.id, z: latentToParam(subject.latent), edit: strengthsToParam(tool.strengths) || undefined }));
  tool.onChange = link;
  tool.setModel(model, [name]);
  const [low, high] = attribute.suggestedRange;
  const strength = numberAttribute(parts, 'strength', { min: low, max: high, fallback: 0, integer: false, reason: "the attribute's suggested range" });
  tool.restore({ [name]: strength });
  tool.setSubject(subject);
}

async function mountSample(parts: WidgetParts, model: BrowserModel): Promise<void> {
  const temperature = numberAttribute(parts, 'temperature', { min: 0, max: 2, fallback: 1, integer: false, reason: "the slider's range" });
  const input = slider(parts, 'temperature', 'Temperature', { min: 0, max: 2, step: 0.05, value: temperature });
  const next = button(parts, 'New sample');
  const download = button(parts, 'Download PNG');
  const tool = new SampleTool({ canvases: [parts.canvas], temperature: input, next, download, announce: announcer(parts) }, numberAttribute(parts, 'seed', { ...SEED, fallback: 1 }));
  const link = openInSite(parts, 'generate', () => ({ model: model.manifest.id, seed: String(tool.state.seed), temperature: String(tool.state.temperature) }));
  tool.onChange = link;
  tool.setModel(model);
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
    notes: [],
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
    announcer(parts)(`${model.manifest.title}, running in your browser.`);
    host.dataset.ready = 'true';
  } catch (error) {
    parts.status.textContent = `This widget could not run: ${describeError(error)}`;
    parts.status.classList.add('error');
  } finally {
    progress.hidden = true;
  }
}
