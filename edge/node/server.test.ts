import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractSuite, type Fetch } from '../contract.ts';
import { createFixtureModel } from '../../train/testing/fixture-model.ts';
import { writeFixtureModel } from '../../train/testing/write-fixture.ts';
import { startNodeServer, type RunningServer } from './server.ts';
import { NODE_SERVER_LIMITS } from '../schemas.ts';

let server: RunningServer;
let dir: string;
let origin: string;
const overHttp: Fetch = (request) => {
  const url = new URL(request.url);
  return fetch(new Request(`${origin}${url.pathname}${url.search}`, request));
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latentlab-node-'));
  await writeFixtureModel(join(dir, 'models'), await createFixtureModel());
  await mkdir(join(dir, 'site'));
  await writeFile(join(dir, 'site', 'index.html'), '<!doctype html><title>latentlab site</title>');
  server = await startNodeServer({ port: 0, modelsDir: join(dir, 'models'), siteDir: join(dir, 'site') });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

contractSuite('Node server over HTTP', () => overHttp, { modelId: 'fixture', maxBodyBytes: NODE_SERVER_LIMITS.maxBodyBytes });

describe('Node server static files', () => {
  it('serves model artifacts under /models/ and the site at /, and keeps /v1 errors JSON', async () => {
    const manifest = await fetch(`${origin}/models/fixture/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(((await manifest.json()) as { id: string }).id).toBe('fixture');
    const encoder = await fetch(`${origin}/models/fixture/encoder.onnx`);
    expect((await encoder.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect(await (await fetch(`${origin}/`)).text()).toMatch(/latentlab site/);
    expect((await fetch(`${origin}/models/fixture/../../site/index.html`)).url).not.toMatch(/\.\./);
    expect((await fetch(`${origin}/models/%2e%2e/site/index.html`)).status).toBe(404);
    const missing = await fetch(`${origin}/v1/no-such-route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/json/);
  });

  it('lets pages on other origins load static files (widgets) and still preflight POSTs to the API', async () => {
    const asset = await fetch(`${origin}/models/fixture/manifest.json`, { headers: { Origin: 'https://blog.example' } });
    expect(asset.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${origin}/v1/models/fixture/encode`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://blog.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
  });
});
