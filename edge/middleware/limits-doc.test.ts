import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { ModelRegistry } from '#core/registry.ts';
import { createFixtureModel, memoryModelSource } from '../../train/testing/fixture-model.ts';

describe('OpenAPI limits', () => {
  it('documents 405, 408 and 503 per route and summarises the limits, the same on every fetch', async () => {
    const app = createApp({ registry: new ModelRegistry(memoryModelSource([await createFixtureModel()]), ort) });
    const fetchDoc = async () => (await (await app.request('/v1/openapi.json')).json()) as { info: { description: string }; paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>> };
    const doc = await fetchDoc();
    const morph = doc.paths['/v1/models/{id}/morph'].post.responses;
    expect(Object.keys(morph)).toEqual(expect.arrayContaining(['405', '408', '503']));
    expect(morph[503].description).toMatch(/deadline_exceeded.*15 s/);
    expect(doc.paths['/v1/models/{id}/sample'].get.responses[503]).toBeDefined();
    expect(doc.paths['/v1/health'].get.responses[503]).toBeUndefined();
    expect(doc.info.description).toMatch(/at most 100 scans/);
    expect((await fetchDoc()).info.description).toBe(doc.info.description);
  });
});
