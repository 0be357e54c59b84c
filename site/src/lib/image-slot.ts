import { sampleLatents } from '#core/latent.ts';
import type { Rect } from './box-geometry.ts';
import { paint, type BrowserModel } from './browser-model.ts';
import { CropControls, type FramedUpload } from './crop-controls.ts';
import { describeError } from './describe-error.ts';
import { showExamplePhotos, wireExamplePhotos } from './examples.ts';
import { decodeUpload, wireImageSource, type PickedImage } from './image-input.ts';
import { element } from './page-elements.ts';
import { subjectOf, type Subject } from './photo-subject.ts';
import { siteBase } from './site-base.ts';
import { SourcePanels } from './source-panels.ts';
import { defaultCrop, describeFraming, describePhoto, encodeFramed, findFace, type Framing } from './upload-framing.ts';

/** What the slot holds besides an upload: a seeded sample, or a code from a share link. */
type CodeSource = { kind: 'sample'; seed: number } | { kind: 'shared'; latent: Float32Array };

/**
 * One image input of a page (a `[data-image-source]` block): upload, paste, drop, camera, a random sample or a code
 * from a share link. For face models an upload is searched for a face, which is shown boxed and aligned; the box can
 * be adjusted, and a photo without a face is cropped by hand. Reports the subject (code, decoded code, aligned photo)
 * of whatever it holds.
 */
export class ImageSlot {
  subject?: Subject;
  private model?: BrowserModel;
  private upload?: FramedUpload | { picked: PickedImage; photo: HTMLCanvasElement; framing?: undefined };
  private code: CodeSource;
  /** Bumped by every new upload, sample or model, so late results of an older one are dropped. */
  private generation = 0;
  private encoding?: Promise<void>;
  private encodeAgain = false;
  private readonly status: HTMLElement;
  private readonly panels: SourcePanels;
  private readonly crop?: CropControls;

  constructor(
    readonly root: HTMLElement,
    private readonly onChange: (subject: Subject) => void,
    seed = 1,
  ) {
    this.code = { kind: 'sample', seed };
    this.status = element('[data-source-status]', root);
    this.panels = new SourcePanels(root);
    const accept = (blob: Blob, name: string) => void this.acceptUpload(blob, name);
    wireImageSource(root, element<HTMLInputElement>('[data-file]', root), accept);
    wireImageSource(root, element<HTMLInputElement>('[data-file-camera]', root), accept);
    wireExamplePhotos(root, siteBase(), accept, (message) => this.report(message, true));
    element('[data-sample-button]', root).addEventListener('click', () => {
      const next = this.code.kind === 'sample' ? this.code.seed + 1 : seed + 1;
      void this.useCode({ kind: 'sample', seed: next });
    });
    const panel = root.querySelector<HTMLDetailsElement>('[data-crop]');
    if (panel) this.crop = new CropControls(root, panel, () => (this.upload?.framing ? (this.upload as FramedUpload) : undefined), (box, byUser) => this.moveBoxTo(box, byUser));
  }

  async setModel(model: BrowserModel): Promise<void> {
    this.model = model;
    showExamplePhotos(this.root, Boolean(model.manifest.input.face));
    if (this.upload) await this.frameUpload(++this.generation);
    else await this.useCode(this.code);
  }

  /** Shows a code from a share link (the page was opened with one), decoded. */
  useSharedCode(latent: Float32Array): Promise<void> {
    return this.useCode({ kind: 'shared', latent });
  }

  private report(message: string, isError = false): void {
    this.status.textContent = message;
    this.status.classList.toggle('error', isError);
  }

  private async useCode(code: CodeSource): Promise<void> {
    this.code = code;
    this.upload = undefined;
    this.crop?.hide();
    const { model } = this;
    if (!model) return;
    const generation = ++this.generation;
    const what = code.kind === 'sample' ? `Random sample, seed ${code.seed}` : 'Code from the share link';
    const latent = code.kind === 'sample' ? sampleLatents(model.manifest.latent, 1, code.seed)[0] : code.latent;
    this.report(`${what}: the decoder's picture of it.`);
    const subject = await subjectOf(model, latent);
    if (generation !== this.generation) return;
    this.panels.showCode(model, subject, what);
    this.accept(subject);
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
    const photo = document.createElement('canvas');
    paint(photo, picked.image);
    this.upload = { picked, photo };
    await this.frameUpload(generation);
  }

  /**
   * Decides the framing of the current upload for the current model (finding the face if it is a face model), then
   * encodes; `generation` is the token of the upload or model change that asked for it.
   */
  private async frameUpload(generation: number): Promise<void> {
    const { model, upload } = this;
    if (!model || !upload || generation !== this.generation) return;
    const { picked, photo } = upload;
    this.upload = { picked, photo };
    const faceModel = Boolean(model.manifest.input.face);
    if (faceModel) this.report(`Looking for a face in ${describePhoto(picked)}…`);
    const framing: Framing = faceModel
      ? await findFace(model, picked, siteBase(), Boolean(this.crop), () => generation === this.generation)
      : { kind: 'crop', box: defaultCrop(model, picked.image) };
    if (generation !== this.generation) return;
    this.upload = { picked, photo, framing };
    this.crop?.show(framing, faceModel);
    await this.encode();
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
    const { model, upload, generation } = this;
    if (!model || !upload?.framing) return;
    const { picked, framing } = upload;
    const box = framing.box;
    try {
      const { latent, photo, landmarks } = await encodeFramed(model, picked, framing);
      // The landmarks belong to this box only if the user has not moved it meanwhile.
      if (framing.kind === 'face' && framing.box === box) framing.landmarks = landmarks;
      const subject = await subjectOf(model, latent, photo);
      if (generation !== this.generation) return;
      this.crop?.update();
      if (photo) this.panels.showAlignedFace(model, subject);
      else this.panels.showCrop(model, subject, upload.photo, box);
      this.accept(subject);
      // Announced once the result is on screen, so the status never describes a picture not yet shown.
      this.report(describeFraming(framing, picked, Boolean(this.crop)));
    } catch (error) {
      if (generation === this.generation) this.report(describeError(error), true);
    }
  }

  private accept(subject: Subject): void {
    this.subject = subject;
    this.onChange(subject);
  }

  /** A new box (from the pointer, the sliders or the reset button): the landmarks are found again for it by the next encode. */
  private moveBoxTo(box: Rect, byUser: boolean): void {
    const framing = this.upload?.framing;
    if (!framing) return;
    framing.box = box;
    if (framing.kind === 'face') {
      framing.adjusted = byUser;
      framing.landmarks = undefined;
    }
    this.crop?.update();
    void this.encode();
  }
}
