import { decode as decodePng } from 'fast-png';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '#core/registry.ts';
import { createApp } from '../app.ts';
import { createFixtureModel, memoryModelSource } from '../../train/testing/fixture-model.ts';

let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  app = createApp({ registry: new ModelRegistry(memoryModelSource([await createFixtureModel()]), ort) });
});

const samplePixels = async (query: string) => {
  const response = await app.request(`/v1/models/fixture/sample?n=1&seed=3&size=256${query}`);
  expect(response.status).toBe(200);
  const png = decodePng(new Uint8Array(await response.arrayBuffer()));
  return { width: png.width, data: Buffer.from(png.data as Uint8Array) };
};

/** How many horizontal neighbours differ: nearest repeats each source pixel several times across, bilinear blends them. */
const changesAlongRows = ({ width, data }: { width: number; data: Buffer }) => {
  const channels = data.length / (width * width);
  let changes = 0;
  for (let p = channels; p < data.length; p += channels) if (p % (width * channels) !== 0 && data[p] !== data[p - channels]) changes++;
  return changes;
};

describe('?size= upscaling', () => {
  it('is bilinear by default and nearest only when asked for', async () => {
    const [byDefault, bilinear, nearest] = await Promise.all([samplePixels(''), samplePixels('&resample=bilinear'), samplePixels('&resample=nearest')]);
    expect(byDefault.data.equals(bilinear.data)).toBe(true);
    expect(byDefault.data.equals(nearest.data)).toBe(false);
    expect(changesAlongRows(bilinear)).toBeGreaterThan(2 * changesAlongRows(nearest));
  });
});
