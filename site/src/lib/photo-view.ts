import type { RgbaImage } from '#core/image/decode.ts';
import { paint } from './browser-model.ts';
import { downloadBlob, downloadPng, DOWNLOAD_SIDE } from './downloads.ts';
import type { UploadedPhoto } from './photo-subject.ts';

/** The elements of one result view: the canvas, and the controls that only make sense for a whole photo. */
export interface PhotoViewParts {
  canvas: HTMLCanvasElement;
  /** Shown only while the view holds a photo. */
  photoControls: HTMLElement;
  /** 0: all edited … 1: all original; the original shows left of the split. */
  compare: HTMLInputElement;
  compareOut?: HTMLOutputElement | null;
  /** Saves what the view shows: the edited photo, or the decoder's face at DOWNLOAD_SIDE pixels. */
  download: HTMLButtonElement;
}

/** The parts of a PhotoResult.astro block. */
export function photoViewParts(root: HTMLElement): PhotoViewParts {
  const find = <T extends HTMLElement>(selector: string) => {
    const found = root.querySelector<T>(selector);
    if (!found) throw new Error(`photo result is missing ${selector}`);
    return found;
  };
  return {
    canvas: find<HTMLCanvasElement>('canvas'),
    photoControls: find('[data-photo-controls]'),
    compare: find<HTMLInputElement>('[data-compare]'),
    compareOut: root.querySelector<HTMLOutputElement>('[data-compare-out]'),
    download: find<HTMLButtonElement>('[data-photo-download]'),
  };
}

const asImageData = (image: RgbaImage) => new ImageData(new Uint8ClampedArray(image.data.buffer as ArrayBuffer, image.data.byteOffset, image.data.byteLength), image.width, image.height);

/**
 * A result canvas that shows either the decoder's face (model size, smoothly scaled by CSS) or the user's whole photo
 * edited at its own resolution, with a before/after split and a full-resolution download in the upload's format; the
 * face downloads as a PNG of DOWNLOAD_SIDE pixels.
 */
export class PhotoView {
  private photo?: UploadedPhoto;
  private original?: { from: RgbaImage; pixels: ImageData };
  private edited?: ImageData;
  private face?: RgbaImage;
  private readonly faceLabel: string;
  /** The file name stem of face downloads ("attributes-faces"). */
  downloadName = 'result';

  constructor(
    private readonly parts: PhotoViewParts,
    private readonly onDownloaded: (message: string, isError?: boolean) => void,
  ) {
    this.faceLabel = parts.canvas.getAttribute('aria-label') ?? 'Result';
    parts.compare.addEventListener('input', () => {
      const percent = Math.round(Number(parts.compare.value) * 100);
      if (parts.compareOut) parts.compareOut.textContent = `${percent}%`;
      parts.compare.setAttribute('aria-valuetext', `the original photo on the left ${percent}%, the edit on the rest`);
      this.paintSplit();
    });
    parts.download.addEventListener('click', () => void this.download());
  }

  /** The decoder's face at the model's size: a sample, a latent or a hand-cropped upload. */
  showFace(image: RgbaImage): void {
    this.photo = undefined;
    this.edited = undefined;
    this.face = image;
    this.parts.photoControls.hidden = true;
    this.parts.download.textContent = `Download PNG (${DOWNLOAD_SIDE} px)`;
    this.parts.canvas.classList.remove('photo');
    this.parts.canvas.setAttribute('aria-label', this.faceLabel);
    paint(this.parts.canvas, image);
  }

  /** The whole upload with the edit pasted in; only the edited pixels change between calls for the same photo. */
  showPhoto(photo: UploadedPhoto, edited: RgbaImage): void {
    const { canvas } = this.parts;
    const from = photo.source.photo;
    if (this.original?.from !== from) this.original = { from, pixels: asImageData(from) };
    this.photo = photo;
    this.face = undefined;
    this.edited = asImageData(edited);
    this.parts.photoControls.hidden = false;
    this.parts.download.textContent = 'Download edited photo';
    canvas.classList.add('photo');
    canvas.setAttribute('aria-label', `${photo.name} (${from.width}×${from.height}) with the edit applied; the compare slider uncovers the original`);
    this.paintSplit();
  }

  private paintSplit(): void {
    const { canvas } = this.parts;
    const { edited, original } = this;
    if (!edited || !original) return;
    if (canvas.width !== edited.width || canvas.height !== edited.height) Object.assign(canvas, { width: edited.width, height: edited.height });
    const context = canvas.getContext('2d');
    if (!context) return;
    context.putImageData(edited, 0, 0);
    const split = Math.round(Number(this.parts.compare.value) * edited.width);
    if (split <= 0) return;
    context.putImageData(original.pixels, 0, 0, 0, 0, split, edited.height);
    if (split >= edited.width) return;
    context.fillStyle = '#ffffff';
    const line = Math.max(1, Math.round(edited.width / 400));
    context.fillRect(split - Math.floor(line / 2), 0, line, edited.height);
  }

  /** The edited photo alone (never the split), at the upload's width and height; JPEG stays JPEG, others become PNG. */
  private async download(): Promise<void> {
    const { edited, photo, face } = this;
    if (face) {
      const size = downloadPng(face, `${this.downloadName}.png`);
      return this.onDownloaded(`PNG downloaded (${size} pixels, smoothly upscaled from the model's ${face.width}×${face.height}).`);
    }
    if (!edited || !photo) return;
    const jpeg = photo.source.format === 'jpeg';
    const canvas = Object.assign(document.createElement('canvas'), { width: edited.width, height: edited.height });
    canvas.getContext('2d')!.putImageData(edited, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, jpeg ? 'image/jpeg' : 'image/png', 0.9));
    if (!blob) {
      this.onDownloaded('This browser could not encode the photo.', true);
      return;
    }
    const stem = photo.name.replace(/\.[a-z0-9]+$/i, '') || 'photo';
    downloadBlob(blob, `${stem}-edited.${jpeg ? 'jpg' : 'png'}`);
    this.onDownloaded(`Edited photo downloaded (${edited.width}×${edited.height} ${jpeg ? 'JPEG' : 'PNG'}).`);
  }
}
