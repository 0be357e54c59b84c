import { applyAttributes } from '#core/latent.ts';
import { attributesApiCall } from './api-calls.ts';
import { groupedAttributes, type AttributeLabel } from './attribute-labels.ts';
import type { BrowserModel } from './browser-model.ts';
import { coalesced } from './coalesce.ts';
import { editPhoto, type Subject } from './photo-subject.ts';
import type { PhotoView } from './photo-view.ts';
import { applyScale, formatValue, sliderScale, snapToStep, type SliderScale } from './slider-scale.ts';

export interface AttributeParts {
  view: PhotoView;
  canvas: HTMLCanvasElement;
  /** Where the sliders are built. */
  sliders: HTMLElement;
  reset?: HTMLButtonElement | null;
  /** The id of each slider (ids are per document on the page, per shadow root in a widget). */
  sliderId: (name: string) => string;
  announce: (message: string, isError?: boolean) => void;
}

interface SliderRow {
  label: AttributeLabel;
  input: HTMLInputElement;
  output: HTMLOutputElement;
  scale: SliderScale;
}

/**
 * Attribute editing: one slider per attribute vector, labelled for people (attribute-labels.ts) and grouped, the
 * subject decoded with the sum of the edits and shown as the whole photo or the decoder's face. Strengths leave it
 * with the raw attribute names and signs the API takes. The attributes page and the attributes widget both drive one.
 */
export class AttributeTool {
  onChange: () => void = () => {};
  private model?: BrowserModel;
  private subject?: Subject;
  private rows: SliderRow[] = [];
  /** Vectors taught on this page (teach-panel.ts), by their API name `custom:<token>`. */
  private readonly taught = new Map<string, Float32Array>();
  /** When the first slider move not yet on screen happened: the start of the repaint the benchmark measures. */
  private inputAt?: number;
  private readonly redraw = coalesced(() => this.draw());

  constructor(private readonly parts: AttributeParts) {
    parts.reset?.addEventListener('click', () => this.restore({}));
  }

  /** Builds the sliders for `names` (all of the model's attributes by default), grouped when there are several groups. */
  setModel(model: BrowserModel, names = Object.keys(model.attributes)): void {
    this.model = model;
    this.subject = undefined;
    this.rows = [];
    this.taught.clear();
    const groups = groupedAttributes(names);
    this.parts.sliders.replaceChildren(
      ...groups.map(({ group, labels }) => {
        const rows = labels.map((label) => this.sliderRow(label, model.attributes[label.name].suggestedRange));
        // One group needs no heading (a widget's single slider, a model whose attributes are all "Other").
        const box = Object.assign(document.createElement(groups.length > 1 ? 'fieldset' : 'div'), { className: 'attribute-group' });
        if (groups.length > 1) box.append(Object.assign(document.createElement('legend'), { textContent: group }));
        box.append(...rows);
        return box;
      }),
    );
  }

  /**
   * Adds a slider for a vector taught on the page, named `custom:<token>` as the API takes it. Strength 1 moves the
   * examples' average negative to their average positive, so the slider spans twice that either way.
   */
  addTaught(name: string, label: string, vector: Float32Array): void {
    this.taught.set(name, vector);
    let box = this.parts.sliders.querySelector<HTMLFieldSetElement>('fieldset[data-taught]');
    if (!box) {
      box = Object.assign(document.createElement('fieldset'), { className: 'attribute-group' });
      box.dataset.taught = '';
      box.append(Object.assign(document.createElement('legend'), { textContent: 'Taught here' }));
      this.parts.sliders.append(box);
    }
    const row = this.sliderRow({ name, label, opposite: `less ${label.toLowerCase()}`, group: 'Taught here', sign: 1 }, [-2, 2], `taught-${this.taught.size}`);
    box.append(row);
    const added = this.rows[this.rows.length - 1];
    added.input.value = '1';
    this.showValue(added);
    this.changed();
  }

  setSubject(subject: Subject | undefined): void {
    this.subject = subject;
    this.changed();
  }

  /** The edits as the API takes them: raw names, raw signs, values on the slider grid; sliders at 0 are left out. */
  get strengths(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { label, input, scale } of this.rows) {
      const value = snapToStep(label.sign * Number(input.value), scale);
      if (value !== 0) out[label.name] = value;
    }
    return out;
  }

  /** Sets every slider from raw strengths (absent names to 0), as a share link or "Reset" asks; says which had to be clamped. */
  restore(strengths: Record<string, number>): void {
    const clamped: string[] = [];
    for (const row of this.rows) {
      const wanted = snapToStep(row.label.sign * (strengths[row.label.name] ?? 0), row.scale);
      const value = Math.min(row.scale.max, Math.max(row.scale.min, wanted));
      if (value !== wanted) clamped.push(`${row.label.label} ${formatValue(wanted, row.scale.decimals)} → ${formatValue(value, row.scale.decimals)}`);
      row.input.value = String(value);
      this.showValue(row);
    }
    if (clamped.length) this.parts.announce(`Clamped to the sliders' range: ${clamped.join(', ')}.`);
    this.changed();
  }

  apiCall(origin: string): string | undefined {
    const { model, subject } = this;
    if (!model || !subject) return undefined;
    const chosen = this.strengths;
    // An edit with no slider moved would be refused by the API; show the first attribute at strength 1 instead.
    const edits = Object.keys(chosen).length ? chosen : { [this.rows[0]?.label.name ?? Object.keys(model.attributes)[0]]: 1 };
    const upload = subject.photo && { name: subject.photo.name, format: subject.photo.source.format };
    return attributesApiCall(origin, model.manifest.id, subject.latent, edits, upload);
  }

  private sliderRow(label: AttributeLabel, range: readonly [number, number], idName = label.name): HTMLElement {
    const [low, high] = range.map((v) => v * label.sign).sort((a, b) => a - b);
    const scale = sliderScale(low, high);
    const id = this.parts.sliderId(idName);
    const element = Object.assign(document.createElement('div'), { className: 'slider attribute-slider' });
    const text = Object.assign(document.createElement('label'), { htmlFor: id, textContent: label.label });
    const input = Object.assign(document.createElement('input'), { type: 'range', id });
    // The grid first, then the value: set before min, a value is clamped to the default 0..100.
    applyScale(input, scale);
    input.value = '0';
    input.dataset.attribute = label.name;
    input.title = label.name.startsWith('custom:') ? `${label.label} (taught here; a custom: token in the API)` : `${label.label} (${label.name} in the API)`;
    const output = document.createElement('output');
    output.htmlFor.add(id);
    const row = { label, input, output, scale };
    this.rows.push(row);
    this.showValue(row);
    input.addEventListener('input', () => {
      this.showValue(row);
      this.inputAt ??= performance.now();
      this.changed();
    });
    element.append(text, input, output);
    return element;
  }

  private showValue({ label, input, output, scale }: SliderRow): void {
    const value = snapToStep(Number(input.value), scale);
    // Two decimals on every slider, so the column of values lines up whatever each slider's step.
    const decimals = Math.max(2, scale.decimals);
    output.textContent = formatValue(value, decimals);
    const direction = value < 0 ? label.opposite : label.label.toLowerCase();
    input.setAttribute('aria-valuetext', value === 0 ? 'no change' : `${direction}, ${formatValue(Math.abs(value), decimals)}`);
  }

  private changed(): void {
    this.redraw();
    this.onChange();
  }

  /** Decodes the edited code only (the subject's own decode is kept) and shows it: pasted into the photo, or the face. */
  private async draw(): Promise<void> {
    const { model, subject } = this;
    const started = this.inputAt;
    this.inputAt = undefined;
    if (!model || !subject) return;
    const edits = Object.entries(this.strengths).map(([name, strength]) => ({ vector: this.taught.get(name) ?? model.attributes[name].vector, strength }));
    const [decoded] = await model.decodeOutputs([applyAttributes(subject.latent, edits)]);
    if (subject.photo) this.parts.view.showPhoto(subject.photo, editPhoto(subject.photo, subject.decoded, decoded, model));
    else this.parts.view.showFace(model.toImage(decoded));
    // Benchmarks and the browser tests read these (scripts/bench-site.ts).
    if (started !== undefined) performance.measure('latentlab:edit-repaint', { start: started, end: performance.now() });
    this.parts.canvas.dataset.renders = String(Number(this.parts.canvas.dataset.renders ?? 0) + 1);
  }
}
