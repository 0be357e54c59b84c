import type { Alignment, FaceAligner } from '#core/align/aligner.ts';
import type { FaceBox } from '#core/align/detect.ts';
import { invertSimilarity } from '#core/align/geometry.ts';
import { warpToRgba } from '#core/align/warp.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { alignWithinBox } from './browser-aligner.ts';
import { paint, type BrowserModel } from './browser-model.ts';

/**
 * Frames between two runs of the face detector, the costliest of the networks: in between, the landmarks follow
 * the face inside the last box every frame (their crop is 1.24× the box, so ordinary head movement stays inside).
 */
const REDETECT_EVERY = 12;
/**
 * Frames between two landmark runs: in between, the frame is warped with the last alignment (a head moves little in
 * 1/10 s at 30 frames/s), which keeps the frame rate above 15 on two busy cores.
 */
const LANDMARKS_EVERY = 3;
/** Longer side of the frame the pipeline reads: the detector looks at 128 px and the face model at 64 px anyway. */
const CAPTURE_SIDE = 320;
/** Frames the frame rate is averaged over. */
const RATE_WINDOW = 30;

export interface WebcamStats {
  /** Frames shown since the start. */
  frames: number;
  /** Over the last RATE_WINDOW frames. */
  framesPerSecond: number;
  /** Whether the last frame showed an aligned face (else the centre of the frame was encoded). */
  face: boolean;
}

export interface WebcamOptions {
  model: BrowserModel;
  /** For face models: frames are aligned like the training faces. */
  aligner?: FaceAligner;
  video: HTMLVideoElement;
  output: HTMLCanvasElement;
  /** The change added to each frame's code, read every frame so a slider acts at once. */
  edit: () => Float32Array | undefined;
  onFrame?: (stats: WebcamStats) => void;
  onError?: (error: unknown) => void;
}

export interface WebcamSession {
  stop(): void;
  stats(): WebcamStats;
}

/** Reads the current video frame, scaled down to CAPTURE_SIDE, as pixels. */
function frameGrabber(video: HTMLVideoElement): () => RgbaImage {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  return () => {
    const scale = Math.min(1, CAPTURE_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.max(1, Math.round(video.videoWidth * scale));
    const height = Math.max(1, Math.round(video.videoHeight * scale));
    if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
    context.drawImage(video, 0, 0, width, height);
    const { data } = context.getImageData(0, 0, width, height);
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  };
}

/** The frame warped the way `alignment` warped an earlier one (the step FaceAligner.alignFace ends with). */
function rewarp(image: RgbaImage, alignment: Alignment): RgbaImage {
  const [a, , tx, b, , ty] = alignment.transform.matrix;
  const modelToPhoto = invertSimilarity({ a, b, tx, ty });
  const { supersample } = alignment;
  const outputToSource = { a: modelToPhoto.a / supersample, b: modelToPhoto.b / supersample, tx: modelToPhoto.tx, ty: modelToPhoto.ty };
  return warpToRgba(image, { outputToSource, width: alignment.image.width, height: alignment.image.height, outside: 'clamp' });
}

/**
 * One frame's code: the aligned face when one is in view, else the frame's centre. The detector runs every
 * REDETECT_EVERY frames, the landmarks (inside the last box) every LANDMARKS_EVERY, the warp every frame.
 */
function frameEncoder(model: BrowserModel, aligner: FaceAligner | undefined): (image: RgbaImage, frame: number) => Promise<{ latent: Float32Array; face: boolean }> {
  let box: FaceBox | undefined;
  let last: Alignment | undefined;
  const { width, height, face } = model.manifest.input;
  const aligned = async (image: RgbaImage, frame: number): Promise<RgbaImage | undefined> => {
    if (!aligner || !face) return undefined;
    if (!box || frame % REDETECT_EVERY === 0) {
      box = (await aligner.detect(image)).find((f) => Math.min(f.width, f.height) >= aligner.minFaceSize);
      last = undefined;
    }
    if (!box) return undefined;
    if (last && frame % LANDMARKS_EVERY !== 0) return rewarp(image, last);
    try {
      last = await alignWithinBox(aligner, image, box, { width, height, face });
      return last.image;
    } catch {
      [box, last] = [undefined, undefined];
      return undefined;
    }
  };
  return async (image, frame) => {
    const faceCrop = await aligned(image, frame);
    return faceCrop ? { latent: await model.encode(faceCrop, { kind: 'none' }), face: true } : { latent: await model.encode(image, { kind: 'center-square' }), face: false };
  };
}

/**
 * Live mode: camera → (align) → encode → add the edit → decode → canvas, one frame at a time. Each step waits for
 * the previous frame to finish, so a slow device drops camera frames instead of queueing them. Nothing leaves the page.
 */
export async function startWebcam(options: WebcamOptions): Promise<WebcamSession> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no camera access here (it needs https or localhost)');
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' }, audio: false });
  const { video, output, model } = options;
  video.srcObject = stream;
  await video.play();
  const grab = frameGrabber(video);
  const encode = frameEncoder(model, options.aligner);
  const shownAt: number[] = [];
  let stats: WebcamStats = { frames: 0, framesPerSecond: 0, face: false };
  let running = true;

  const step = async () => {
    const { latent, face } = await encode(grab(), stats.frames);
    const edit = options.edit();
    if (edit) latent.forEach((v, i) => (latent[i] = v + edit[i]));
    const [image] = await model.decode([latent]);
    if (!running) return;
    paint(output, image);
    shownAt.push(performance.now());
    if (shownAt.length > RATE_WINDOW) shownAt.shift();
    const seconds = (shownAt[shownAt.length - 1] - shownAt[0]) / 1000;
    stats = { frames: stats.frames + 1, framesPerSecond: seconds > 0 ? (shownAt.length - 1) / seconds : 0, face };
    options.onFrame?.(stats);
  };
  // A watcher marks each new camera frame (requestVideoFrameCallback; animation frames where it is missing). A step
  // that ends after a frame arrived starts again at once instead of waiting for the next one, so a step slower than
  // the camera does not drop to every other frame; a step faster than it never decodes the same frame twice.
  let fresh = false;
  let wake: (() => void) | undefined;
  const watch = () => {
    fresh = true;
    wake?.();
    wake = undefined;
    if (!running) return;
    if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(watch);
    else requestAnimationFrame(watch);
  };
  const run = async () => {
    while (running) {
      if (!fresh) await new Promise<void>((resolve) => (wake = resolve));
      fresh = false;
      await step();
      // A task boundary between steps, so the page still paints and handles input while frames keep coming.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  const session: WebcamSession = {
    stop() {
      running = false;
      wake?.();
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
    stats: () => stats,
  };
  watch();
  run().catch((error) => {
    session.stop();
    options.onError?.(error);
  });
  return session;
}
