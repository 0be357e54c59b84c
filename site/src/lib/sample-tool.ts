import { sampleLatents } from '#core/latent.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { sampleApiCall } from './api-calls.ts';
import { paint, type BrowserModel } from './browser-model.ts';
import { clampNumber, readClampedInput, type NumberRule } from './clamped-number.ts';
import { coalesced } from './coalesce.ts';
import { downloadStrip } from './downloads.ts';
import { formatValue, snapToStep } from './slider-scale.ts';

export interface SampleParts {
  /** One canvas per sample drawn. */
  canvases: HTMLCanvasElement[];
  temperature: HTMLInputElement;
  temperatureOut?: HTMLOutputElement | null;
  /** The page's seed field; the widget keeps its seed to itself. */
  seedInput?: HTMLInputElement | null;
  seedNote?: HTMLElement | null;
  next?: HTMLButtonElement | null;
  download?: HTMLButtonElement | null;
  announce: (message: string, isError?: boolean) => void;
}

export interface SampleState {
  seed: number;
  temperature: number;
}

/** The API's seed range (edge/schemas.ts SampleQuery). */
export const SEED: NumberRule = { min: 0, max: 2 ** 32 - 1, fallback: 0, what: 'Seed', reason: 'seeds are 32-bit' };

/**
 * Samples from the latent statistics: a seed, a temperature, a "New seed" button and a strip download. The generate
 * page and the sample widget both drive one.
 */
export class SampleTool {
  onChange: () => void = () => {};
  private model?: BrowserModel;
  private images: RgbaImage[] = [];
  private readonly redraw = coalesced(() => this.draw());

  constructor(
    private readonly parts: SampleParts,
    private seedValue = 1,
  ) {
    parts.seedInput?.addEventListener('input', () => this.changed());
    parts.temperature.addEventListener('input', () => this.changed());
    parts.next?.addEventListener('click', () => this.restore({ seed: (this.seed + 1) % 2 ** 32 }));
    parts.download?.addEventListener('click', () => this.download());
    if (parts.seedInput) parts.seedInput.value = String(seedValue);
  }

  setModel(model: BrowserModel): void {
    this.model = model;
    this.changed();
  }

  get seed(): number {
    return this.parts.seedInput ? readClampedInput(this.parts.seedInput, SEED, this.parts.seedNote ?? null) : this.seedValue;
  }

  get state(): SampleState {
    return { seed: this.seed, temperature: snapToStep(Number(this.parts.temperature.value), { step: Number(this.parts.temperature.step) || 0.01, decimals: 2 }) };
  }

  restore(state: Partial<SampleState>): void {
    if (state.seed !== undefined) {
      this.seedValue = clampNumber(state.seed, SEED).value;
      if (this.parts.seedInput) this.parts.seedInput.value = String(this.seedValue);
    }
    if (state.temperature !== undefined) this.parts.temperature.value = String(state.temperature);
    this.changed();
  }

  apiCall(origin: string): string | undefined {
    if (!this.model) return undefined;
    const { seed, temperature } = this.state;
    return sampleApiCall(origin, this.model.manifest.id, seed, this.parts.canvases.length, temperature);
  }

  private changed(): void {
    if (this.parts.temperatureOut) this.parts.temperatureOut.textContent = formatValue(this.state.temperature, 2);
    this.redraw();
    this.onChange();
  }

  private async draw(): Promise<void> {
    const { model } = this;
    if (!model) return;
    const { seed, temperature } = this.state;
    this.images = await model.decode(sampleLatents(model.manifest.latent, this.parts.canvases.length, seed, temperature));
    this.images.forEach((image, k) => {
      const canvas = this.parts.canvases[k];
      paint(canvas, image);
      canvas.setAttribute('aria-label', `Sample ${k + 1} of seed ${seed} at temperature ${formatValue(temperature, 2)}`);
      canvas.dataset.renders = String(Number(canvas.dataset.renders ?? 0) + 1);
    });
  }

  private download(): void {
    if (!this.model || !this.images.length) return this.parts.announce('Load a model first.', true);
    const { seed, temperature } = this.state;
    const size = downloadStrip(this.images, `samples-${this.model.manifest.id}-seed${seed}.png`);
    this.parts.announce(`PNG of ${this.images.length} samples (seed ${seed}, temperature ${formatValue(temperature, 2)}, ${size} pixels) downloaded.`);
  }
}
