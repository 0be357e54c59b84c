import { keepCropSize, keepFaces } from '#core/photo/detail.ts';
import type { Rect } from './box-geometry.ts';
import { paint, type BrowserModel } from './browser-model.ts';
import type { Subject } from './photo-subject.ts';

/** A crop box's pixels are shown at their own resolution up to this side, like detail=keep face crops. */
const MAX_CROP_SIDE = 512;

/**
 * The two panels of an image input, side by side: what went in (an aligned face at its own resolution, or the crop
 * box's pixels) and what the model makes of it (the reconstruction). A sample or a shared code has no photo.
 */
export class SourcePanels {
  private readonly photo: HTMLCanvasElement | null;
  private readonly photoFigure: HTMLElement | null;
  private readonly photoCaption: HTMLElement | null;
  private readonly reconstruction: HTMLCanvasElement;
  private readonly caption: HTMLElement | null;

  constructor(root: HTMLElement) {
    this.photo = root.querySelector<HTMLCanvasElement>('[data-source-photo]');
    this.photoFigure = root.querySelector<HTMLElement>('[data-source-photo-figure]');
    this.photoCaption = root.querySelector<HTMLElement>('[data-source-photo-caption]');
    this.reconstruction = root.querySelector<HTMLCanvasElement>('[data-source-canvas]')!;
    this.caption = root.querySelector<HTMLElement>('[data-source-caption]');
  }

  /** The reconstruction alone, with what it is the decoding of ("Random sample, seed 5"). */
  showCode(model: BrowserModel, subject: Subject, what: string): void {
    if (this.photoFigure) this.photoFigure.hidden = true;
    this.paintReconstruction(model, subject, what);
  }

  /** An aligned face: its crop at the photo's own resolution beside the reconstruction. */
  showAlignedFace(model: BrowserModel, subject: Subject): void {
    const { photo } = subject;
    if (!photo) return this.showCode(model, subject, 'Reconstruction');
    const shape = model.imageShape;
    const [crop] = keepFaces(photo.source, subject.decoded, [subject.decoded], shape, keepCropSize(photo.source, shape));
    this.showPhoto(`Aligned face, ${crop.width}×${crop.height}`, (canvas) => paint(canvas, crop));
    this.paintReconstruction(model, subject, 'Reconstruction');
  }

  /** A hand-cropped upload: the box's pixels beside the reconstruction. */
  showCrop(model: BrowserModel, subject: Subject, photo: HTMLCanvasElement, box: Rect): void {
    const scale = Math.min(1, MAX_CROP_SIDE / Math.max(box.width, box.height));
    const width = Math.max(1, Math.round(box.width * scale));
    const height = Math.max(1, Math.round(box.height * scale));
    this.showPhoto(`Crop, ${width}×${height}`, (canvas) => {
      Object.assign(canvas, { width, height });
      canvas.getContext('2d')?.drawImage(photo, box.left, box.top, box.width, box.height, 0, 0, width, height);
    });
    this.paintReconstruction(model, subject, 'Reconstruction');
  }

  private showPhoto(caption: string, draw: (canvas: HTMLCanvasElement) => void): void {
    if (!this.photo || !this.photoFigure) return;
    this.photoFigure.hidden = false;
    draw(this.photo);
    if (this.photoCaption) this.photoCaption.textContent = caption;
  }

  private paintReconstruction(model: BrowserModel, subject: Subject, what: string): void {
    paint(this.reconstruction, model.toImage(subject.decoded));
    const { width, height } = model.manifest.input;
    if (this.caption) this.caption.textContent = `${what}, ${width}×${height}`;
  }
}
