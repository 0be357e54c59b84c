import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '#core/registry.ts';
import { createApp } from '../app.ts';
import { createFixtureModel, memoryModelSource } from '../../train/testing/fixture-model.ts';

let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  app = createApp({ registry: new ModelRegistry(memoryModelSource([await createFixtureModel()]), ort) });
});

describe('/v1/docs', () => {
  it('gives every route of the OpenAPI document a curl example, shown at the origin the page is served from', async () => {
    const doc = (await (await app.request('/v1/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-codeSamples'?: { source: string }[] }>> };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ route: `${method} ${path}`, op })));
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const { route, op } of operations) expect(op['x-codeSamples']?.[0]?.source, route).toMatch(/^curl /);
    const html = await (await app.request('https://latentlab.example/v1/docs')).text();
    expect(html.match(/<pre class="example">/g)).toHaveLength(operations.length);
    expect(html).toContain('https://latentlab.example/v1/models/faces/attributes');
    expect(html).not.toContain('127.0.0.1:8787');
  });
});
