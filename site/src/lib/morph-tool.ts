import { interpolate, lerp, slerp, type InterpolationPath } from '#core/latent.ts';
import { morphApiCall } from './api-calls.ts';
import { paint, type BrowserModel } from './browser-model.ts';
import { readClampedInput, type NumberRule } from './clamped-number.ts';
import { coalesced } from './coalesce.ts';
import { downloadPingPongGif, downloadStrip } from './downloads.ts';
import { morphImages, type Subject } from './photo-subject.ts';
import { snapToStep } from './slider-scale.ts';

type Announce = (message: string, isError?: boolean) => void;

/** The controls of a morph, from the morph page or built by the widget; the optional ones are left out by the widget. */
export interface MorphParts {
  canvas: HTMLCanvasElement;
  slider: HTMLInputElement;
  sliderOut?: HTMLOutputElement | null;
  play: HTMLButtonElement;
  /** Linear/spherical radios; without them the path is the one given to the tool. */
  pathRadios?: HTMLInputElement[];
  frames?: HTMLInputElement | null;
  framesNote?: HTMLElement | null;
  gif?: HTMLButtonElement | null;
  strip?: HTMLButtonElement | null;
  announce: Announce;
}

export interface MorphState {
  t: number;
  path: InterpolationPath;
  frames: number;
}

/** The API's own bounds (edge/schemas.ts LIMITS.frames): what the page downloads, the copied call can make too. */
const FRAMES: NumberRule = { min: 2, max: 32, fallback: 12, what: 'Frames', reason: 'the most one morph of the API makes' };
/** One ping-pong of the play loop, A → B → A. */
const PLAY_PERIOD_MS = 6000;
const GIF_DELAY_MS = 80;

/**
 * A morph between two subjects: the slider's frame decoded live (one decode per animation frame, `coalesced`), play,
 * the linear/spherical path, the GIF and strip downloads and the API call. The morph page and the morph widget both
 * drive one of these.
 */
export class MorphTool {
  /** Runs after every change a share link or an API call shows. */
  onChange: () => void = () => {};
  private model?: BrowserModel;
  private ends?: [Subject, Subject];
  private playing?: { startedAt: number; from: number };
  private readonly redraw = coalesced(() => this.drawFrame());

  constructor(
    private readonly parts: MorphParts,
    private fixedPath: InterpolationPath = 'linear',
  ) {
    parts.slider.addEventListener('input', () => this.changed());
    for (const radio of parts.pathRadios ?? []) radio.addEventListener('change', () => this.changed());
    parts.frames?.addEventListener('change', () => this.changed());
    parts.play.setAttribute('aria-pressed', 'false');
    parts.play.addEventListener('click', () => this.togglePlay());
    parts.gif?.addEventListener('click', () => void this.download('gif'));
    parts.strip?.addEventListener('click', () => void this.download('strip'));
    this.showPosition();
  }

  setModel(model: BrowserModel): void {
    this.model = model;
    this.ends = undefined;
  }

  setEnds(a: Subject | undefined, b: Subject | undefined): void {
    this.ends = a && b ? [a, b] : undefined;
    this.changed();
  }

  get path(): InterpolationPath {
    const radios = this.parts.pathRadios;
    if (!radios?.length) return this.fixedPath;
    return radios.find((radio) => radio.checked)?.value === 'spherical' ? 'spherical' : 'linear';
  }

  get state(): MorphState {
    return { t: snapToStep(Number(this.parts.slider.value), { step: 0.01, decimals: 2 }), path: this.path, frames: this.frameCount() };
  }

  restore(state: Partial<MorphState>): void {
    if (state.t !== undefined) {
      const t = Number.isFinite(state.t) ? Math.min(1, Math.max(0, state.t)) : 0.5;
      if (t !== state.t) this.parts.announce(`The position ${state.t} is outside 0…1 (A to B); ${t} is used.`);
      this.parts.slider.value = String(t);
    }
    if (state.path) {
      this.fixedPath = state.path;
      for (const radio of this.parts.pathRadios ?? []) radio.checked = radio.value === state.path;
    }
    if (state.frames !== undefined && this.parts.frames) this.parts.frames.value = String(state.frames);
    this.frameCount();
    this.changed();
  }

  apiCall(origin: string): string | undefined {
    const { model, ends } = this;
    if (!model || !ends) return undefined;
    const [a, b] = ends;
    const photos: [string, string] | undefined = a.photo && b.photo ? [a.photo.name, b.photo.name] : undefined;
    return morphApiCall(origin, model.manifest.id, { a: a.latent, b: b.latent, frames: this.frameCount(), path: this.path, photos });
  }

  private frameCount(): number {
    if (!this.parts.frames) return FRAMES.fallback;
    return readClampedInput(this.parts.frames, FRAMES, this.parts.framesNote ?? null);
  }

  private changed(): void {
    this.showPosition();
    this.redraw();
    this.onChange();
  }

  private showPosition(): void {
    const percent = Math.round(Number(this.parts.slider.value) * 100);
    if (this.parts.sliderOut) this.parts.sliderOut.textContent = `${percent}%`;
    this.parts.slider.setAttribute('aria-valuetext', `${percent}% of the way from A to B`);
  }

  private togglePlay(): void {
    this.playing = this.playing ? undefined : { startedAt: performance.now(), from: Number(this.parts.slider.value) };
    this.parts.play.setAttribute('aria-pressed', String(Boolean(this.playing)));
    this.parts.play.textContent = this.playing ? 'Pause' : 'Play';
    if (this.playing) this.redraw();
    else this.onChange();
  }

  /**
   * Decodes the latent under the slider (with two aligned face photos, their own faces blended through it). While
   * playing, each drawn frame asks for the next, through the same scheduler as the slider.
   */
  private async drawFrame(): Promise<void> {
    const { model, ends, playing } = this;
    if (playing) {
      // Ping-pong so the loop never jumps.
      const phase = ((performance.now() - playing.startedAt) / (PLAY_PERIOD_MS / 2) + playing.from) % 2;
      this.parts.slider.value = String(phase <= 1 ? phase : 2 - phase);
      this.showPosition();
    }
    if (model && ends) {
      const [a, b] = ends;
      const t = Number(this.parts.slider.value);
      const started = performance.now();
      const latent = this.path === 'spherical' ? slerp(a.latent, b.latent, t, model.manifest.latent.mean) : lerp(a.latent, b.latent, t);
      const { images, sharp } = await morphImages(model, a, b, [{ t, latent }]);
      this.parts.canvas.classList.toggle('sharp', sharp);
      paint(this.parts.canvas, images[0]);
      // Benchmarks and the browser tests read these (scripts/bench-site.ts: frames on the page, renders in widgets).
      performance.measure('latentlab:morph-frame', { start: started, end: performance.now() });
      const { dataset } = this.parts.canvas;
      dataset.frames = String(Number(dataset.frames ?? 0) + 1);
      dataset.renders = dataset.frames;
    }
    if (this.playing) this.redraw();
  }

  private async download(kind: 'gif' | 'strip'): Promise<void> {
    const { model, ends } = this;
    if (!model || !ends) return this.parts.announce('Load a model and two images first.', true);
    try {
      const [a, b] = ends;
      const latents = interpolate(a.latent, b.latent, this.frameCount(), this.path, model.manifest.latent.mean);
      const { images } = await morphImages(model, a, b, latents.map((latent, k) => ({ t: k / (latents.length - 1), latent })));
      const name = `morph-${model.manifest.id}`;
      if (kind === 'gif') {
        const size = downloadPingPongGif(images, GIF_DELAY_MS, `${name}.gif`);
        this.parts.announce(`GIF with ${images.length} frames of ${size} pixels downloaded.`);
      } else {
        const size = downloadStrip(images, `${name}.png`);
        this.parts.announce(`PNG strip of ${images.length} frames (${size} pixels) downloaded.`);
      }
    } catch (error) {
      this.parts.announce(error instanceof Error ? error.message : String(error), true);
    }
  }
}
