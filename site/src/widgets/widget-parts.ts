import { sampleLatents } from '#core/latent.ts';
import { latentFromParam } from '#core/permalink.ts';
import type { BrowserModel } from '../lib/browser-model.ts';
import { clampNumber, type NumberRule } from '../lib/clamped-number.ts';
import { decodeUpload, type PickedImage } from '../lib/image-input.ts';
import { alignedPhoto, subjectOf, type Subject, type UploadedPhoto } from '../lib/photo-subject.ts';
import { PhotoView } from '../lib/photo-view.ts';
import type { ShareParams } from '../lib/share-link.ts';

/** The shadow-root elements of one widget, and where its assets come from. */
export interface WidgetParts {
  host: HTMLElement;
  /** Where models/ and ort/ (and models/align/ for face photos) are served: the latentlab site itself. */
  assets: URL;
  root: ShadowRoot;
  canvas: HTMLCanvasElement;
  controls: HTMLElement;
  status: HTMLElement;
  /** Sentences about attributes the widget had to change (clamped numbers), shown with the status. */
  notes: string[];
}

export const announcer = (parts: WidgetParts) => (message: string, isError = false) => {
  parts.status.textContent = [message, ...parts.notes].join(' ');
  parts.status.classList.toggle('error', isError);
};

/** A numeric attribute, clamped with a note the status shows, so `temperature="5"` never silently becomes 2. */
export function numberAttribute(parts: WidgetParts, name: string, rule: Omit<NumberRule, 'what'>): number {
  const text = parts.host.getAttribute(name);
  if (text === null) return rule.fallback;
  const { value, note } = clampNumber(Number(text), { ...rule, what: `${name}="${text.slice(0, 20)}":` });
  if (note) parts.notes.push(note);
  return value;
}

/** Slider with a visible label; ids are scoped to this shadow root, so several widgets on one page do not clash. */
export function slider(parts: WidgetParts, id: string, text: string, range: { min: number; max: number; step: number; value: number }): HTMLInputElement {
  const row = Object.assign(document.createElement('div'), { className: 'row' });
  const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: text });
  const input = Object.assign(document.createElement('input'), { type: 'range', id });
  Object.assign(input, { min: String(range.min), max: String(range.max), step: String(range.step), value: String(range.value) });
  row.append(label, input);
  parts.controls.append(row);
  return input;
}

export function button(parts: WidgetParts, text: string, into: HTMLElement = parts.controls): HTMLButtonElement {
  const element = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
  into.append(element);
  return element;
}

/** "Open in latentlab": the site's page for this tool with the widget's state as a share link, kept up to date. */
export function openInSite(parts: WidgetParts, page: string, state: () => ShareParams): () => void {
  const link = Object.assign(document.createElement('a'), { textContent: 'Open in latentlab', target: '_blank', rel: 'noopener' });
  link.setAttribute('part', 'link');
  parts.controls.append(link);
  return () => {
    const params = new URLSearchParams(Object.entries(state()).filter((entry): entry is [string, string] => entry[1] !== undefined));
    link.href = new URL(`${page}/?${params}`, parts.assets).href;
  };
}

/** A photo widget's before/after split (shown only while it holds a photo) and the download of what it shows. */
export function photoView(parts: WidgetParts): PhotoView {
  const photoControls = Object.assign(document.createElement('div'), { className: 'controls', hidden: true });
  parts.controls.append(photoControls);
  const compare = slider({ ...parts, controls: photoControls }, 'compare', 'Original', { min: 0, max: 1, step: 0.01, value: 0 });
  const download = button(parts, 'Download');
  return new PhotoView({ canvas: parts.canvas, photoControls, compare, download }, announcer(parts));
}

/**
 * The subject an attribute names: a code from a share link (`code`), an image URL (fetched with CORS; for a face model
 * its face is found and aligned as on the site's pages, so edits paste into the photo), or a seeded sample.
 */
export async function subjectFrom(parts: WidgetParts, model: BrowserModel, names: { code: string; url: string }, seed: number): Promise<Subject> {
  const code = parts.host.getAttribute(names.code);
  if (code) return subjectOf(model, latentFromParam(code, model.manifest.latent.dim, names.code));
  const url = parts.host.getAttribute(names.url);
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
