import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { decode as decodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { contractSuite, referenceOutputs, request, type Fetch } from '../contract.ts';
import { ModelRegistry } from '../core/registry.ts';
import { createFixtureModel, memoryModelSource, type FixtureModel } from '../testing/fixture-model.ts';
import { writeFixtureModel } from '../testing/write-fixture.ts';
import { assembleWorkerAssets } from './assemble-assets.ts';
import { startLocalWorker, type LocalWorker } from './local-worker.ts';

let workDir: string;
let fixture: FixtureModel;
let worker: LocalWorker | undefined;
let nodeFetch: Fetch;

/** The contract suite speaks to `http://api.test`; the Worker listens on a local port. */
const workerFetch: Fetch = (incoming) => {
  const { pathname, search } = new URL(incoming.url);
  return fetch(new Request(new URL(pathname + search, worker!.url), incoming));
};

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'latentlab-worker-test-'));
  fixture = await createFixtureModel();
  await writeFixtureModel(path.join(workDir, 'models'), fixture);
  const assets = await assembleWorkerAssets({
    modelsDir: path.join(workDir, 'models'),
    siteDir: path.join(workDir, 'no-site'),
    outDir: path.join(workDir, 'assets'),
  });
  worker = await startLocalWorker({ assetsDir: assets.outDir });
  const app = createApp({ registry: new ModelRegistry(memoryModelSource([fixture]), ort) });
  nodeFetch = async (incoming) => app.fetch(incoming);
});

afterAll(async () => {
  await worker?.close();
  await rm(workDir, { recursive: true, force: true });
});

contractSuite('Workers runtime (workerd via wrangler)', () => workerFetch, { modelId: 'fixture' });

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
};

async function pixels(fetchFrom: Fetch, path: string, init?: RequestInit): Promise<Uint8Array> {
  const response = await fetchFrom(request(path, init));
  expect(response.status, await response.clone().text()).toBe(200);
  return decodePng(new Uint8Array(await response.arrayBuffer())).data as Uint8Array;
}

describe('Workers runtime against the Node app', () => {
  it('gives the same latents (max abs diff <= 1e-4) and images (max pixel diff <= 1)', async () => {
    const onWorker = await referenceOutputs(workerFetch, fixture.id);
    const onNode = await referenceOutputs(nodeFetch, fixture.id);
    expect(maxAbsDiff(onWorker.latent, onNode.latent)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(onWorker.pixels, onNode.pixels)).toBeLessThanOrEqual(1);
  });

  it('renders the same samples and attribute edits', async () => {
    const sample = `/v1/models/${fixture.id}/sample?seed=42&n=4`;
    expect(maxAbsDiff(await pixels(workerFetch, sample), await pixels(nodeFetch, sample))).toBeLessThanOrEqual(1);
    const edit = () => ({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ latent: fixture.manifest.latent.mean, attributes: { Round: [-1, 1], Red: 0.5 } }),
    });
    const attributes = `/v1/models/${fixture.id}/attributes`;
    expect(maxAbsDiff(await pixels(workerFetch, attributes, edit()), await pixels(nodeFetch, attributes, edit()))).toBeLessThanOrEqual(1);
  });

  it('serves the model files as static assets beside the API', async () => {
    const index = await worker!.fetch('/models/index.json');
    expect(await index.json()).toEqual({ models: [expect.objectContaining({ id: fixture.id, dim: fixture.manifest.latent.dim })] });
    const encoder = await worker!.fetch(`/models/${fixture.id}/encoder.onnx`);
    expect(Buffer.from(await encoder.arrayBuffer()).equals(fixture.files.get('encoder.onnx')!)).toBe(true);
  });
});
