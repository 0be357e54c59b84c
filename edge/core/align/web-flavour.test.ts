import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortWeb from 'onnxruntime-web/wasm';
import { describe, expect, it } from 'vitest';
import { FaceAligner, type AlignTarget } from './aligner.ts';
import { ALIGN_MODEL_DIR, celebaImage, celebaPresent, nodeAligner, placeOnCanvas } from '../../testing/align-fixtures.ts';

// The browser and Workers run onnxruntime-web (wasm); the same graphs must give the same faces as on Node.
describe.skipIf(!celebaPresent)('onnxruntime-web gives the same alignment as onnxruntime-node', () => {
  it('same box, landmarks and transform for a CelebA face', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const read = (name: string) => new Uint8Array(readFileSync(join(ALIGN_MODEL_DIR, name)));
    const web = new FaceAligner(ortWeb, { detector: read('detector.onnx'), landmarks: read('landmarks.onnx') });
    const node = nodeAligner();
    const image = placeOnCanvas(celebaImage(2), 320, 1.8, 8);
    const target: AlignTarget = { width: 64, height: 64, face: { leftEye: [0.36, 0.52], rightEye: [0.63, 0.52], mouth: [0.49, 0.82] } };
    const [a, b] = [await web.align(image, target), await node.align(image, target)];
    expect(a.faceCount).toBe(b.faceCount);
    expect(a.box.left).toBeCloseTo(b.box.left, 2);
    expect(a.box.width).toBeCloseTo(b.box.width, 2);
    a.landmarks.forEach(([x, y], i) => {
      expect(Math.abs(x - b.landmarks[i][0])).toBeLessThan(0.01);
      expect(Math.abs(y - b.landmarks[i][1])).toBeLessThan(0.01);
    });
    expect(a.transform.rotationDegrees).toBeCloseTo(b.transform.rotationDegrees, 2);
    expect(a.transform.scale).toBeCloseTo(b.transform.scale, 4);
  });
});
