import type { FaceAligner } from '#core/align/aligner.ts';
import type { FaceBox } from '#core/align/detect.ts';
import type { Point } from '#core/align/geometry.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { sampleLatents } from '#core/latent.ts';
import { drawBoxPreview, wireBoxDragging } from './box-editor.ts';
import { boxFromSlider, boxToCrop, cropToBox, type CropSlider, type Rect } from './box-geometry.ts';
import { paint, type BrowserModel } from './browser-model.ts';
import { rectToCropRule, type CropState } from './crop-box.ts';
import { describeError } from './describe-error.ts';
import { decodeUpload, wireImageSource, type PickedImage } from './image-input.ts';
import { element, siteBase } from './page-kit.ts';
import { alignedPhoto, subjectOf, type Subject, type UploadedPhoto } from './photo-subject.ts';

/**
 * How an upload is framed for the model: a face the detector found (box as the user left it, aligned like the training
 * faces), or a square crop box (models without face alignment, or a photo where no usable face was found).
 */
type Framing =
  | { kind: 'face'; aligner: FaceAligner; detected: FaceBox; faceCount: number; box: Rect; adjusted: boolean; landmarks?: Point[] }
  | { kind: 'crop'; box: Rect; note?: string };

const HOW_TO_ADJUST = 'drag the box, resize it from its corner handle, or use the sliders';

/**
 * One image input of a page (a `[data-image-source]` block): upload, paste, drop, camera or a random sample. For face
 * models an upload is searched for a face, which is shown boxed and aligned; the box can be adjusted, and a photo
 * without a face is cropped by hand. Reports the subject (code, decoded code, aligned photo) of whatever it holds.
 */
export class ImageSlot {
  subject?: Subject;
  private model?: BrowserModel;
  private picked?: PickedImage;
  private photo?: HTMLCanvasElement;
  private framing?: Framing;
  /** Bumped by every new upload, sample or model, so late results of an older one are dropped. */
  private generation = 0;
  private encoding?: Promise<void>;
  private encodeAgain = false;
  private readonly canvas: HTMLCanvasElement;
  private readonly status: HTMLElement;
  private readonly cropPanel: HTMLDetailsElement | null;
  private readonly cropCanvas: HTMLCanvasElement | null;
  private readonly resetButton: HTMLButtonElement | null;
  private sampleSeed: number;

  constructor(
    readonly root: HTMLElement,
    private readonly onChange: (subject: Subject) => void,
    seed = 1,
  ) {
    this.sampleSeed = seed;
    this.canvas = element<HTMLCanvasElement>('[data-source-canvas]', root);
    this.status = element('[data-source-status]', root);
    this.cropPanel = root.querySelector<HTMLDetailsElement>('[data-crop]');
    this.cropCanvas = root.querySelector<HTMLCanvasElement>('[data-crop-canvas]');
    this.resetButton = root.querySelector<HTMLButtonElement>('[data-crop-reset]');
    const accept = (blob: Blob, name: string) => void this.acceptUpload(blob, name);
    wireImageSource(root, element<HTMLInputElement>('[data-file]', root), accept);
    wireImageSource(root, element<HTMLInputElement>('[data-file-camera]', root), accept);
    element('[data-sample-button]', root).addEventListener('click', () => {
      this.sampleSeed += 1;
      void this.useSample();
    });
    this.wireCrop();
  }

  async setModel(model: BrowserModel): Promise<void> {
    this.model = model;
    if (this.picked) await this.frameUpload(++this.generation);
    else await this.useSample();
  }

  private report(message: string, isError = false): void {
    this.status.textContent = message;
    this.status.classList.toggle('error', isError);
  }

  /** Decodes and shows `latent`, unless a newer upload, sample or model took over (`generation` changed) meanwhile. */
  private async show(latent: Float32Array, generation: number, photo?: UploadedPhoto): Promise<void> {
    const { model } = this;
    if (!model) return;
    const subject = await subjectOf(model, latent, photo);
    if (generation !== this.generation) return;
    this.subject = subject;
    paint(this.canvas, model.toImage(subject.decoded));
    this.onChange(subject);
  }

  async useSample(): Promise<void> {
    if (!this.model) return;
    const generation = ++this.generation;
    this.picked = undefined;
    this.framing = undefined;
    if (this.cropPanel) this.cropPanel.hidden = true;
    const [latent] = sampleLatents(this.model.manifest.latent, 1, this.sampleSeed);
    this.report(`Random sample, seed ${this.sampleSeed}.`);
    await this.show(latent, generation);
  }

  async acceptUpload(blob: Blob, name: string): Promise<void> {
    // Taken before decoding: a large photo still decoding must not replace a smaller one picked after it.
    const generation = ++this.generation;
    let picked: PickedImage;
    try {
      picked = await decodeUpload(blob, name);
    } catch (error) {
      if (generation === this.generation) this.report(describeError(error), true);
      return;
    }
    if (generation !== this.generation) return;
    this.picked = picked;
    this.photo = document.createElement('canvas');
    paint(this.photo, picked.image);
    await this.frameUpload(generation);
  }

  /**
   * Decides the framing of the current upload for the current model (finding the face if it is a face model), then
   * encodes; `generation` is the token of the upload or model change that asked for it.
   */
  private async frameUpload(generation: number): Promise<void> {
    const { model, picked } = this;
    if (!model || !picked || generation !== this.generation) return;
    this.framing = undefined;
    const framing = model.manifest.input.face ? await this.findFace(model, picked, generation) : { kind: 'crop' as const, box: this.defaultCrop(picked.image) };
    if (generation !== this.generation) return;
    this.framing = framing;
    if (this.cropPanel) {
      this.cropPanel.hidden = false;
      // A found face is shown at once; so is the crop box when a face model found none, since the user must frame it.
      if (model.manifest.input.face) this.cropPanel.open = true;
    }
    if (this.resetButton) this.resetButton.hidden = framing.kind !== 'face';
    this.syncCropInputs();
    this.drawCropPreview();
    await this.encode();
  }

  private async findFace(model: BrowserModel, picked: PickedImage, generation: number): Promise<Framing> {
    const { image, name } = picked;
    const byHand = this.cropPanel ? `frame the face by hand with the crop box: ${HOW_TO_ADJUST}` : "it is framed by the model's default crop";
    const manual = (note: string): Framing => ({ kind: 'crop', box: this.defaultCrop(image), note: `${note}: ${byHand}.` });
    this.report(`Looking for a face in ${name}…`);
    let aligner: FaceAligner;
    let faces: FaceBox[];
    try {
      // Imported here so pages fetch the aligner's code and networks only once a face model gets an upload.
      const { openAligner } = await import('./browser-aligner.ts');
      aligner = await openAligner(siteBase(), model.backend);
      faces = generation === this.generation ? await aligner.detect(image) : [];
    } catch (error) {
      return manual(`Face detection could not run here (${describeError(error)})`);
    }
    const [largest] = faces;
    if (!largest) return manual(`No face found in ${name} (${image.width}×${image.height})`);
    if (Math.min(largest.width, largest.height) < aligner.minFaceSize) {
      const size = `${Math.round(largest.width)}×${Math.round(largest.height)}`;
      return manual(`The face in ${name} is too small to align (${size} pixels; at least ${aligner.minFaceSize} are needed)`);
    }
    const box = { left: largest.left, top: largest.top, width: largest.width, height: largest.height };
    return { kind: 'face', aligner, detected: largest, faceCount: faces.length, box, adjusted: false };
  }

  /** The manual crop square the model's own crop rule suggests. */
  private defaultCrop(image: RgbaImage): Rect {
    const rule = this.model?.manifest.input.preprocess.crop;
    let state: CropState = { size: 1, centerX: 0.5, centerY: 0.5 };
    if (rule?.kind === 'box') {
      const side = Math.min(rule.width * image.width, rule.height * image.height) / Math.min(image.width, image.height);
      state = { size: side, centerX: rule.left + rule.width / 2, centerY: rule.top + rule.height / 2 };
    }
    return cropToBox(state, 1, image);
  }

  private describeFraming(framing: Framing, picked: PickedImage): string {
    const { name, image } = picked;
    const photo = `${name} (${image.width}×${image.height})`;
    if (framing.kind === 'crop') return framing.note ?? `${photo}, shown as the model reconstructs it.`;
    if (framing.adjusted) {
      return `Face in ${photo} framed by your box: its eyes and mouth (dots) were found again inside it and aligned. "Reset to detected" restores the detector's box.`;
    }
    const found = framing.faceCount > 1 ? `${framing.faceCount} faces found in ${photo}; the largest is used` : `Face found in ${photo}`;
    const aligned = 'turned and scaled to the framing of the training faces';
    if (!this.cropPanel) return `${found}: ${aligned}.`;
    return `${found}: boxed, with its eyes and mouth marked by dots, then ${aligned}. To adjust, ${HOW_TO_ADJUST}.`;
  }

  /** Encodes the current framing; calls made while an encode runs are folded into one more encode after it. */
  private encode(): Promise<void> {
    if (this.encoding) {
      this.encodeAgain = true;
      return this.encoding;
    }
    this.encoding = (async () => {
      do {
        this.encodeAgain = false;
        await this.encodeOnce();
      } while (this.encodeAgain);
      this.encoding = undefined;
    })();
    return this.encoding;
  }

  private async encodeOnce(): Promise<void> {
    const { model, picked, framing, generation } = this;
    if (!model || !picked || !framing) return;
    try {
      let latent: Float32Array;
      let photo: UploadedPhoto | undefined;
      if (framing.kind === 'face') {
        const { alignWithinBox } = await import('./browser-aligner.ts');
        const { width, height, face } = model.manifest.input;
        const box = framing.box;
        const alignment = await alignWithinBox(framing.aligner, picked.image, { ...box, score: framing.detected.score, rollDegrees: framing.detected.rollDegrees }, { width, height, face: face! }, framing.faceCount);
        latent = await model.encode(alignment.image, { kind: 'none' });
        photo = alignedPhoto(picked, alignment, model.manifest.input);
        // The landmarks belong to this box only if the user has not moved it meanwhile.
        if (framing.box === box) framing.landmarks = alignment.landmarks;
      } else {
        latent = await model.encode(picked.image, rectToCropRule(framing.box, picked.image.width, picked.image.height));
      }
      if (generation !== this.generation) return;
      this.drawCropPreview();
      await this.show(latent, generation, photo);
      // Announced once the result is on screen, so the status never describes a picture not yet shown.
      if (generation === this.generation) this.report(this.describeFraming(framing, picked));
    } catch (error) {
      if (generation === this.generation) this.report(describeError(error), true);
    }
  }

  /** A new box (from the pointer, the sliders or the reset button): the landmarks are found again for it by the next encode. */
  private moveBoxTo(box: Rect, byUser = true): void {
    const { framing } = this;
    if (!framing) return;
    framing.box = box;
    if (framing.kind === 'face') {
      framing.adjusted = byUser;
      framing.landmarks = undefined;
    }
    this.syncCropInputs();
    this.drawCropPreview();
    void this.encode();
  }

  private cropInput(name: CropSlider): HTMLInputElement | null {
    return this.root.querySelector<HTMLInputElement>(`[data-crop-${name}]`);
  }

  private syncCropInputs(): void {
    if (!this.framing || !this.picked) return;
    const state = boxToCrop(this.framing.box, this.picked.image);
    const pairs: [HTMLInputElement | null, number, string][] = [
      [this.cropInput('size'), state.size, 'size'],
      [this.cropInput('x'), state.centerX, 'x'],
      [this.cropInput('y'), state.centerY, 'y'],
    ];
    for (const [input, value, name] of pairs) {
      if (!input) continue;
      input.value = String(value);
      const out = this.root.querySelector(`[data-crop-${name}-out]`);
      if (out) out.textContent = `${Math.round(value * 100)}%`;
    }
  }

  private wireCrop(): void {
    if (!this.cropPanel) return;
    const fromSlider = (slider: CropSlider) => {
      const { framing, picked } = this;
      if (!framing || !picked) return;
      const state: CropState = {
        size: Number(this.cropInput('size')?.value ?? 1),
        centerX: Number(this.cropInput('x')?.value ?? 0.5),
        centerY: Number(this.cropInput('y')?.value ?? 0.5),
      };
      this.moveBoxTo(boxFromSlider(framing.box, slider, state, picked.image));
    };
    for (const slider of ['size', 'x', 'y'] as const) this.cropInput(slider)?.addEventListener('input', () => fromSlider(slider));
    this.resetButton?.addEventListener('click', () => {
      const { framing } = this;
      if (framing?.kind !== 'face') return;
      const { left, top, width, height } = framing.detected;
      this.moveBoxTo({ left, top, width, height }, false);
    });
    if (!this.cropCanvas) return;
    wireBoxDragging(
      this.cropCanvas,
      () => {
        const { framing, picked } = this;
        if (!framing || !picked) return undefined;
        return { image: picked.image, box: framing.box, minSide: framing.kind === 'face' ? framing.aligner.minFaceSize : 8 };
      },
      (box) => this.moveBoxTo(box),
    );
  }

  private drawCropPreview(): void {
    const { cropCanvas, photo, framing } = this;
    if (!cropCanvas || !photo || !framing) return;
    drawBoxPreview(cropCanvas, photo, framing.box, framing.kind === 'face' ? framing.landmarks : undefined);
    const label = this.root.querySelector('strong')?.textContent ?? 'Image';
    const what = framing.kind === 'face' ? 'the face box and its eye and mouth landmarks' : 'the crop box';
    cropCanvas.setAttribute('aria-label', `${label} as uploaded, with ${what} drawn on it (described in the status below)`);
  }
}
