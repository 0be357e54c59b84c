import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image/decode.ts';
import type { FaceAligner } from './aligner.ts';
import { iou } from './detect.ts';
import { celebaImage, celebaPresent, nodeAligner, placeOnCanvas } from './testing.ts';

/** face-api's tfjs build without a bundled tfjs: it runs on the project's @tensorflow/tfjs (cpu backend). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FaceApi = any;
const require = createRequire(import.meta.url);
const CANVAS = 320;
/** Images whose face the detector finds with a clear score once enlarged 1.8× on the canvas. */
const SAMPLES = [1, 4];
const ENLARGE = 1.8;

describe.skipIf(!celebaPresent)('parity with @vladmandic/face-api on tfjs', () => {
  let faceapi: FaceApi;
  let aligner: FaceAligner;

  beforeAll(async () => {
    faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
    await faceapi.tf.setBackend('cpu');
    await faceapi.tf.ready();
    const modelDir = join(require.resolve('@vladmandic/face-api/package.json'), '..', 'model');
    await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
    await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(modelDir);
    aligner = nodeAligner({ detectorSize: CANVAS });
  });
  afterAll(() => faceapi?.tf.disposeVariables());

  async function reference(image: RgbaImage) {
    const rgb = new Int32Array(image.width * image.height * 3);
    for (let i = 0; i < image.width * image.height; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = image.data[i * 4 + c];
    const tensor = faceapi.tf.tensor3d(rgb, [image.height, image.width, 3], 'int32');
    const options = new faceapi.TinyFaceDetectorOptions({ inputSize: CANVAS, scoreThreshold: 0.5 });
    const results = await faceapi.detectAllFaces(tensor, options).withFaceLandmarks(true);
    tensor.dispose();
    return results as { detection: { box: { x: number; y: number; width: number; height: number }; score: number }; landmarks: { positions: { x: number; y: number }[] } }[];
  }

  it.each(SAMPLES)('CelebA image %i: same box (IoU ≥ 0.9) and landmarks within 2 percent of the face width', async (index) => {
    const image = placeOnCanvas(celebaImage(index), CANVAS, ENLARGE);
    const expected = await reference(image);
    const faces = await aligner.detect(image);
    expect(faces.length).toBe(expected.length);
    expect(faces.length).toBeGreaterThanOrEqual(1);
    const ref = expected.sort((p, q) => q.detection.box.width * q.detection.box.height - p.detection.box.width * p.detection.box.height)[0];
    const refBox = { left: ref.detection.box.x, top: ref.detection.box.y, width: ref.detection.box.width, height: ref.detection.box.height, score: ref.detection.score };
    expect(iou(faces[0], refBox)).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(faces[0].score - refBox.score)).toBeLessThan(0.02);

    const landmarks = await aligner.landmarks(image, faces[0]);
    const worst = Math.max(...landmarks.map(([x, y], i) => Math.hypot(x - ref.landmarks.positions[i].x, y - ref.landmarks.positions[i].y)));
    expect(worst / refBox.width).toBeLessThanOrEqual(0.02);
    console.log(`image ${index}: IoU ${iou(faces[0], refBox).toFixed(4)}, worst landmark ${((100 * worst) / refBox.width).toFixed(3)}% of face width`);
  });
});
