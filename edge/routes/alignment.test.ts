import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { placeOnCanvas, celebaImage, celebaPresent, ALIGN_MODEL_DIR } from '../testing/align-fixtures.ts';
import { encodePng } from '#core/image/encode.ts';
import { parseManifest } from '#core/manifest.ts';
import { ModelRegistry } from '#core/registry.ts';
import { nodeAlignerProvider } from '../node/aligner.ts';
import { createFixtureModel, memoryModelSource } from '../../train/testing/fixture-model.ts';
import { syntheticPng } from '../testing/images.ts';
import { ALIGN_HEADER } from './alignment.ts';

type App = ReturnType<typeof createApp>;

/** The fixture model, declared a face model: its manifest states where the training faces had their eyes and mouth. */
async function faceFixture() {
  const model = await createFixtureModel();
  const manifest = parseManifest({ ...model.manifest, input: { ...model.manifest.input, face: { leftEye: [0.36, 0.52], rightEye: [0.63, 0.52], mouth: [0.49, 0.82] } } });
  model.files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  return { ...model, manifest };
}

const post = (app: App, query: string, body: Uint8Array) =>
  app.request(`/v1/models/fixture/encode${query}`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: body as Uint8Array<ArrayBuffer> });

describe('align=auto|none on the API', () => {
  let app: App;
  beforeAll(async () => {
    const registry = new ModelRegistry(memoryModelSource([await faceFixture()]), ort);
    app = createApp({ registry, aligner: nodeAlignerProvider(`${ALIGN_MODEL_DIR}/..`) });
  });

  it('answers 422 no_face when a face model gets a picture without a face', async () => {
    const response = await post(app, '', syntheticPng(3, 120, 90));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('no_face');
    expect(body.error.message).toMatch(/image: no face/);
  });

  it('align=none skips alignment and reports nothing', async () => {
    const response = await post(app, '?align=none', syntheticPng(3, 120, 90));
    expect(response.status).toBe(200);
    expect(response.headers.get(ALIGN_HEADER)).toBeNull();
  });

  it('refuses an unknown align value', async () => {
    const response = await post(app, '?align=sideways', syntheticPng(3, 120, 90));
    expect(response.status).toBe(422);
  });

  it.skipIf(!celebaPresent)('aligns a face and returns the transform in the header', async () => {
    type Report = { image: { applied: boolean; faceCount: number; rotationDegrees: number; box: number[]; others: number[][] } };
    const reportFor = async (degrees: number) => {
      const response = await post(app, '?align=auto', encodePng(placeOnCanvas(celebaImage(1), 320, 1.8, degrees)));
      expect(response.status).toBe(200);
      return JSON.parse(response.headers.get(ALIGN_HEADER)!) as Report;
    };
    const upright = await reportFor(0);
    const turned = await reportFor(12);
    expect(turned.image.applied).toBe(true);
    expect(turned.image.faceCount).toBe(1);
    expect(turned.image.box).toHaveLength(4);
    expect(turned.image.others).toEqual([]);
    // The face was turned by 12°, so the alignment must turn it back by 12° more than the upright one.
    expect(Math.abs(turned.image.rotationDegrees - upright.image.rotationDegrees + 12)).toBeLessThan(3);
  });
});
