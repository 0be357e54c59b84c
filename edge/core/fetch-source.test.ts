import { describe, expect, it } from 'vitest';
import { createFixtureModel } from '../../train/testing/fixture-model.ts';
import { fetchModelSource } from './fetch-source.ts';
import { loadModel } from './model-loader.ts';

describe('fetchModelSource', () => {
  it('loads a model folder over a fetch function and names a missing file', async () => {
    const fixture = await createFixtureModel();
    const requested: string[] = [];
    const source = fetchModelSource({
      baseUrl: 'https://assets.test/models/',
      ids: ['fixture'],
      fetch: async (url) => {
        requested.push(url);
        const bytes = fixture.files.get(url.replace('https://assets.test/models/fixture/', ''));
        return bytes ? new Response(bytes as BodyInit) : new Response('missing', { status: 404 });
      },
    });
    expect(await source.list()).toEqual(['fixture']);
    const model = await loadModel(source.reader('fixture'));
    expect(model.manifest.id).toBe('fixture');
    expect(requested).toContain('https://assets.test/models/fixture/encoder.onnx');
    await expect(source.reader('fixture')('atlas.png')).rejects.toThrow(/atlas\.png answered 404/);
  });
});
