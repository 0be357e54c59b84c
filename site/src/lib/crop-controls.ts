import { drawBoxPreview, wireBoxDragging } from './box-editor.ts';
import { boxFromSlider, boxToCrop, type CropSlider, type Rect } from './box-geometry.ts';
import type { CropState } from './crop-box.ts';
import type { PickedImage } from './image-input.ts';
import type { Framing } from './upload-framing.ts';

/** What the controls edit: the slot's current upload and its framing (undefined while there is none). */
export interface FramedUpload {
  picked: PickedImage;
  framing: Framing;
  /** The upload painted once, for the preview. */
  photo: HTMLCanvasElement;
}

/**
 * The "Framing" panel of an image input: the upload with its face or crop box drawn on it, dragged or resized with the
 * pointer, the size and position sliders, and "Reset to detected". Every change goes to `moveBoxTo`.
 */
export class CropControls {
  private readonly panel: HTMLDetailsElement;
  private readonly canvas: HTMLCanvasElement | null;
  private readonly resetButton: HTMLButtonElement | null;

  constructor(
    private readonly root: HTMLElement,
    panel: HTMLDetailsElement,
    private readonly current: () => FramedUpload | undefined,
    private readonly moveBoxTo: (box: Rect, byUser: boolean) => void,
  ) {
    this.panel = panel;
    this.canvas = root.querySelector<HTMLCanvasElement>('[data-crop-canvas]');
    this.resetButton = root.querySelector<HTMLButtonElement>('[data-crop-reset]');
    this.wire();
  }

  hide(): void {
    this.panel.hidden = true;
  }

  /** A new framing: a found face is shown at once; so is the crop box when a face model found none, since the user must frame it. */
  show(framing: Framing, faceModel: boolean): void {
    this.panel.hidden = false;
    if (faceModel) this.panel.open = true;
    if (this.resetButton) this.resetButton.hidden = framing.kind !== 'face';
    this.update();
  }

  /** Brings the sliders and the preview in line with the current box. */
  update(): void {
    const upload = this.current();
    if (!upload) return;
    const state = boxToCrop(upload.framing.box, upload.picked.image);
    for (const [name, value] of [['size', state.size], ['x', state.centerX], ['y', state.centerY]] as const) {
      const input = this.input(name);
      if (!input) continue;
      input.value = String(value);
      const out = this.root.querySelector(`[data-crop-${name}-out]`);
      if (out) out.textContent = `${Math.round(value * 100)}%`;
    }
    this.draw(upload);
  }

  private input(name: CropSlider): HTMLInputElement | null {
    return this.root.querySelector<HTMLInputElement>(`[data-crop-${name}]`);
  }

  private draw({ photo, framing }: FramedUpload): void {
    if (!this.canvas) return;
    drawBoxPreview(this.canvas, photo, framing.box, framing.kind === 'face' ? framing.landmarks : undefined);
    const label = this.root.querySelector('strong')?.textContent ?? 'Image';
    const what = framing.kind === 'face' ? 'the face box and its eye and mouth landmarks' : 'the crop box';
    this.canvas.setAttribute('aria-label', `${label} as uploaded, with ${what} drawn on it (described in the status below)`);
  }

  private wire(): void {
    const fromSlider = (slider: CropSlider) => {
      const upload = this.current();
      if (!upload) return;
      const state: CropState = {
        size: Number(this.input('size')?.value ?? 1),
        centerX: Number(this.input('x')?.value ?? 0.5),
        centerY: Number(this.input('y')?.value ?? 0.5),
      };
      this.moveBoxTo(boxFromSlider(upload.framing.box, slider, state, upload.picked.image), true);
    };
    for (const slider of ['size', 'x', 'y'] as const) this.input(slider)?.addEventListener('input', () => fromSlider(slider));
    this.resetButton?.addEventListener('click', () => {
      const framing = this.current()?.framing;
      if (framing?.kind !== 'face') return;
      const { left, top, width, height } = framing.detected;
      this.moveBoxTo({ left, top, width, height }, false);
    });
    if (!this.canvas) return;
    wireBoxDragging(
      this.canvas,
      () => {
        const upload = this.current();
        if (!upload) return undefined;
        const { framing, picked } = upload;
        return { image: picked.image, box: framing.box, minSide: framing.kind === 'face' ? framing.aligner.minFaceSize : 8 };
      },
      (box) => this.moveBoxTo(box, true),
    );
  }
}
