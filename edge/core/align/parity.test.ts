import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDMARKS_INPUT_SIZE } from './constants.ts';
import { landmarkView } from './crops.ts';
import { applySimilarity } from './geometry.ts';
import type { FaceAligner } from './aligner.ts';
import { celebaImage, celebaPresent, nodeAligner, placeOnCanvas } from '../../testing/align-fixtures.ts';
import { warpToPlanes } from './warp.ts';

/** face-api's tfjs build without a bundled tfjs: it runs on the project's @tensorflow/tfjs (cpu backend). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FaceApi = any;
const require = createRequire(import.meta.url);
const SAMPLES: [number, number][] = [
  [1, 0],
  [4, 20],
];

// The detector's graph is checked against tfjs by scripts/tfjs-onnx/convert.test.ts; this checks the landmark graph,
// which build-align-models rebuilds from face-api's weights, against face-api's own network on the same crop.
describe.skipIf(!celebaPresent)('landmarks.onnx matches @vladmandic/face-api FaceLandmark68TinyNet on tfjs', () => {
  let faceapi: FaceApi;
  let aligner: FaceAligner;

  beforeAll(async () => {
    faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
    await faceapi.tf.setBackend('cpu');
    await faceapi.tf.ready();
    await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(join(require.resolve('@vladmandic/face-api/package.json'), '..', 'model'));
    aligner = nodeAligner();
  });
  afterAll(() => faceapi?.tf.disposeVariables());

  it.each(SAMPLES)('CelebA image %i turned by %i°: the 68 points agree within 1 percent of the crop', async (index, degrees) => {
    const image = placeOnCanvas(celebaImage(index), 320, 1.8, degrees);
    const [box] = await aligner.detect(image);
    const size = LANDMARKS_INPUT_SIZE;
    const view = landmarkView(box);
    const planes = warpToPlanes(image, { outputToSource: view, width: size, height: size, outside: 'zero' });
    const nhwc = new Float32Array(planes.length);
    for (let i = 0; i < size * size; i++) for (let c = 0; c < 3; c++) nhwc[i * 3 + c] = planes[c * size * size + i];
    const tensor = faceapi.tf.tensor4d(nhwc, [1, size, size, 3]);
    const reference: { positions: { x: number; y: number }[] } = await faceapi.nets.faceLandmark68TinyNet.detectLandmarks(tensor);
    tensor.dispose();

    const ours = await aligner.landmarks(image, box);
    const theirs = reference.positions.map(({ x, y }) => applySimilarity(view, [x, y]));
    const side = Math.hypot(view.a, view.b) * size;
    const worst = Math.max(...ours.map(([x, y], i) => Math.hypot(x - theirs[i][0], y - theirs[i][1])));
    expect(worst / side).toBeLessThan(0.01);
  });
});
