import type { RgbaImage } from '../../../edge/core/image/decode.ts';
import { sampleLatents } from '../../../edge/core/latent.ts';
import { paint, type BrowserModel } from './browser-model.ts';
import { cropBox, type CropState } from './crop-box.ts';
import { describeError } from './describe-error.ts';
import { decodeUpload, wireImageSource, type PickedImage } from './image-input.ts';
import { element } from './page-kit.ts';

/**
 * One image input of a page (a `[data-image-source]` block): upload, paste, drop, camera or a random sample,
 * with an optional crop box. Reports the latent of whatever it holds.
 */
export class ImageSlot {
  latent?: Float32Array;
  private model?: BrowserModel;
  private picked?: PickedImage;
  private crop: CropState = { size: 1, centerX: 0.5, centerY: 0.5 };
  private readonly canvas: HTMLCanvasElement;
  private readonly status: HTMLElement;
  private readonly cropPanel: HTMLDetailsElement | null;
  private sampleSeed: number;

  constructor(
    readonly root: HTMLElement,
    private readonly onChange: (latent: Float32Array) => void,
    seed = 1,
  ) {
    this.sampleSeed = seed;
    this.canvas = element<HTMLCanvasElement>('[data-source-canvas]', root);
    this.status = element('[data-source-status]', root);
    this.cropPanel = root.querySelector<HTMLDetailsElement>('[data-crop]');
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
    if (this.picked) await this.encodePicked();
    else await this.useSample();
  }

  private report(message: string, isError = false): void {
    this.status.textContent = message;
    this.status.classList.toggle('error', isError);
  }

  private async show(latent: Float32Array): Promise<void> {
    if (!this.model) return;
    this.latent = latent;
    const [image] = await this.model.decode([latent]);
    paint(this.canvas, image);
    this.onChange(latent);
  }

  async useSample(): Promise<void> {
    if (!this.model) return;
    this.picked = undefined;
    if (this.cropPanel) this.cropPanel.hidden = true;
    const [latent] = sampleLatents(this.model.manifest.latent, 1, this.sampleSeed);
    this.report(`Random sample, seed ${this.sampleSeed}.`);
    await this.show(latent);
  }

  async acceptUpload(blob: Blob, name: string): Promise<void> {
    try {
      this.picked = await decodeUpload(blob, name);
    } catch (error) {
      this.report(describeError(error), true);
      return;
    }
    this.crop = this.initialCrop(this.picked.image);
    this.syncCropInputs();
    if (this.cropPanel) this.cropPanel.hidden = false;
    await this.encodePicked();
  }

  private initialCrop(image: RgbaImage): CropState {
    const rule = this.model?.manifest.input.preprocess.crop;
    if (rule?.kind === 'box') {
      const side = Math.min(rule.width * image.width, rule.height * image.height) / Math.min(image.width, image.height);
      return { size: side, centerX: rule.left + rule.width / 2, centerY: rule.top + rule.height / 2 };
    }
    return { size: 1, centerX: 0.5, centerY: 0.5 };
  }

  private async encodePicked(): Promise<void> {
    if (!this.model || !this.picked) return;
    try {
      const { image } = this.picked;
      this.drawCropPreview();
      const latent = await this.model.encode(image, cropBox(image.width, image.height, this.crop));
      this.report(`${this.picked.name} (${image.width}×${image.height}), shown as the model reconstructs it.`);
      await this.show(latent);
    } catch (error) {
      this.report(describeError(error), true);
    }
  }

  private cropInput(name: 'size' | 'x' | 'y'): HTMLInputElement | null {
    return this.root.querySelector<HTMLInputElement>(`[data-crop-${name}]`);
  }

  private syncCropInputs(): void {
    const pairs: [HTMLInputElement | null, number, string][] = [
      [this.cropInput('size'), this.crop.size, 'size'],
      [this.cropInput('x'), this.crop.centerX, 'x'],
      [this.cropInput('y'), this.crop.centerY, 'y'],
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
    let pending = false;
    const update = () => {
      this.crop = {
        size: Number(this.cropInput('size')?.value ?? 1),
        centerX: Number(this.cropInput('x')?.value ?? 0.5),
        centerY: Number(this.cropInput('y')?.value ?? 0.5),
      };
      this.syncCropInputs();
      // One encode per frame at most while a slider is dragged.
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        void this.encodePicked();
      });
    };
    for (const name of ['size', 'x', 'y'] as const) this.cropInput(name)?.addEventListener('input', update);
    const canvas = element<HTMLCanvasElement>('[data-crop-canvas]', this.root);
    const moveTo = (event: PointerEvent) => {
      const rect = canvas.getBoundingClientRect();
      const x = this.cropInput('x');
      const y = this.cropInput('y');
      if (!x || !y) return;
      x.value = String(Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)));
      y.value = String(Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height)));
      update();
    };
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      moveTo(event);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (canvas.hasPointerCapture(event.pointerId)) moveTo(event);
    });
  }

  private drawCropPreview(): void {
    const canvas = this.root.querySelector<HTMLCanvasElement>('[data-crop-canvas]');
    if (!canvas || !this.picked) return;
    const { image } = this.picked;
    const scale = Math.min(1, 512 / Math.max(image.width, image.height));
    canvas.width = Math.round(image.width * scale);
    canvas.height = Math.round(image.height * scale);
    const context = canvas.getContext('2d');
    if (!context) return;
    const full = document.createElement('canvas');
    paint(full, image);
    context.drawImage(full, 0, 0, canvas.width, canvas.height);
    const box = cropBox(image.width, image.height, this.crop);
    if (box.kind !== 'box') return;
    context.lineWidth = Math.max(2, canvas.width / 128);
    context.strokeStyle = '#f4a261';
    context.strokeRect(box.left * canvas.width, box.top * canvas.height, box.width * canvas.width, box.height * canvas.height);
  }
}
