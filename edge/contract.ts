import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '#core/manifest.ts';
import { forgedGifHeader, forgedJpegHeader, forgedPngHeader, syntheticJpeg, syntheticPng } from './testing/images.ts';

export type Fetch = (request: Request) => Promise<Response>;

const BASE = 'http://api.test';

export function request(path: string, init?: RequestInit): Request {
  return new Request(new URL(path, BASE), init);
}

const jsonBody = (value: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(value),
});
const imageBody = (bytes: Uint8Array, type = 'image/png'): RequestInit => ({ method: 'POST', headers: { 'Content-Type': type }, body: bytes as BodyInit });

function form(fields: Record<string, Uint8Array | string>): RequestInit {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') data.set(name, value);
    else data.set(name, new Blob([value as BlobPart], { type: 'image/png' }), 'upload.png');
  }
  return { method: 'POST', body: data };
}

/** Asserts the error shape every failure shares and returns the error code. */
export async function expectJsonError(response: Response, status: number, pattern?: RegExp): Promise<string> {
  const text = await response.text();
  expect(response.status, `status of ${text}`).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(typeof body.error.code).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (pattern) expect(body.error.message).toMatch(pattern);
  return body.error.code;
}

async function pngOf(response: Response) {
  expect(response.status, await response.clone().text().catch(() => '')).toBe(200);
  expect(response.headers.get('content-type')).toBe('image/png');
  return decodePng(new Uint8Array(await response.arrayBuffer()));
}

async function latentsOf(response: Response): Promise<number[][]> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return (JSON.parse(text) as { latents: number[][] }).latents;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

export interface ModelFacts {
  dim: number;
  width: number;
  height: number;
  channels: number;
  attributes: string[];
  mean: number[];
}

export async function modelFacts(fetch: Fetch, modelId: string): Promise<ModelFacts> {
  const response = await fetch(request(`/v1/models/${modelId}`));
  const body = (await response.json()) as { manifest: { latent: { dim: number; mean: number[] }; input: { width: number; height: number; channels: number } }; attributes: { name: string }[] };
  const { latent, input } = body.manifest;
  return { dim: latent.dim, mean: latent.mean, width: input.width, height: input.height, channels: input.channels, attributes: body.attributes.map((a) => a.name) };
}

/**
 * Outputs to compare across runtimes (Node vs Workers): the latent of one fixed upload and the
 * pixels of its reconstruction.
 */
export async function referenceOutputs(fetch: Fetch, modelId: string) {
  const upload = syntheticPng(11);
  const encoded = (await (await fetch(request(`/v1/models/${modelId}/encode`, imageBody(upload)))).json()) as { latent: number[] };
  const reconstruction = await pngOf(await fetch(request(`/v1/models/${modelId}/reconstruct`, imageBody(upload))));
  return { latent: encoded.latent, pixels: Array.from(reconstruction.data) };
}

export interface ContractOptions {
  /** Id of a model served by the app under test (the fixture of edge/testing, or a shipped one). */
  modelId: string;
  /** Body limit the app was configured with (default 8 MB). */
  maxBodyBytes?: number;
}

/**
 * The API contract as a vitest suite over any `fetch`: the in-process Node app, a Node server over
 * HTTP, or the Workers runtime all have to pass the same assertions.
 */
export function contractSuite(name: string, getFetch: () => Fetch, options: ContractOptions) {
  const id = options.modelId;
  const base = `/v1/models/${id}`;
  const call = (path: string, init?: RequestInit) => getFetch()(request(path, init));

  describe(`API contract: ${name}`, () => {
    let facts: ModelFacts;
    const latent = (shift: number) => facts.mean.map((m, i) => m + shift * Math.cos(i + shift));

    it('answers health and lists the model with its manifest and attributes', async () => {
      const health = await call('/v1/health');
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', models: expect.arrayContaining([id]) });
      const list = (await (await call('/v1/models')).json()) as { models: { id: string }[] };
      expect(list.models.map((m) => m.id)).toContain(id);
      const detail = await call(base);
      expect(detail.status).toBe(200);
      expect(detail.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
      const body = (await detail.json()) as { manifest: unknown; attributes: { name: string; suggestedRange: [number, number] }[] };
      expect(manifestSchema.safeParse(body.manifest).success).toBe(true);
      expect(body.attributes.length).toBeGreaterThan(0);
      for (const a of body.attributes) expect(a.suggestedRange[0]).toBeLessThan(a.suggestedRange[1]);
      facts = await modelFacts(getFetch(), id);
    });

    it('names an unknown model or route in a 404', async () => {
      expect(await expectJsonError(await call('/v1/models/no-such-model'), 404, /no-such-model/)).toBe('unknown_model');
      await expectJsonError(await call('/v1/models/no-such-model/reconstruct', imageBody(syntheticPng(1))), 404, /no-such-model/);
      await expectJsonError(await call('/v1/nothing-here'), 404);
    });

    it('encodes the same upload to the same latent as raw PNG, multipart PNG, and JPEG', async () => {
      const png = syntheticPng(3);
      const raw = (await (await call(`${base}/encode`, imageBody(png))).json()) as { latent: number[] };
      expect(raw.latent).toHaveLength(facts.dim);
      expect(raw.latent.every(Number.isFinite)).toBe(true);
      const multi = (await (await call(`${base}/encode`, form({ image: png }))).json()) as { latent: number[] };
      expect(maxAbsDiff(multi.latent, raw.latent)).toBeLessThan(1e-6);
      const fromJpeg = await call(`${base}/encode`, imageBody(syntheticJpeg(3), 'image/jpeg'));
      const jpegLatent = ((await fromJpeg.json()) as { latent: number[] }).latent;
      expect(jpegLatent).toHaveLength(facts.dim);
      expect(maxAbsDiff(jpegLatent, raw.latent)).toBeLessThan(0.5 * Math.max(1, ...raw.latent.map(Math.abs)));
    });

    it('reconstructs to a PNG of the model size, scaled by ?size=, with a strong ETag and Cache-Control', async () => {
      const upload = syntheticPng(4);
      const first = await call(`${base}/reconstruct`, imageBody(upload));
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
      const image = await pngOf(first);
      expect([image.width, image.height]).toEqual([facts.width, facts.height]);
      const again = await call(`${base}/reconstruct`, imageBody(upload));
      expect(again.headers.get('etag')).toBe(etag);
      const big = await pngOf(await call(`${base}/reconstruct?size=64&resample=bilinear`, imageBody(upload)));
      expect(Math.max(big.width, big.height)).toBe(64);
      await expectJsonError(await call(`${base}/reconstruct?size=100000`, imageBody(upload)), 422, /size/);
    });

    it('decodes a latent and refuses latents of the wrong length or with non-finite values', async () => {
      const image = await pngOf(await call(`${base}/decode`, jsonBody({ latent: facts.mean })));
      expect([image.width, image.height]).toEqual([facts.width, facts.height]);
      const viaForm = await pngOf(await call(`${base}/decode`, form({ latent: JSON.stringify(facts.mean) })));
      expect(maxAbsDiff(viaForm.data, image.data)).toBe(0);
      await expectJsonError(await call(`${base}/decode`, jsonBody({ latent: facts.mean.slice(1) })), 422, new RegExp(`${facts.dim}`));
      const infinite = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{"latent":[1e999${',0'.repeat(facts.dim - 1)}]}` };
      await expectJsonError(await call(`${base}/decode`, infinite), 422);
      await expectJsonError(await call(`${base}/decode`, jsonBody({ latent: ['a', ...facts.mean.slice(1)] })), 422);
      await expectJsonError(await call(`${base}/decode`, jsonBody({})), 422, /latent/);
      await expectJsonError(await call(`${base}/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"latent": [1,' }), 400);
    });

    it('morphs two latents or images: endpoints kept, frames bounded, GIF and PNG strip rendered', async () => {
      const a = latent(1);
      const b = latent(-1);
      const frames = await latentsOf(await call(`${base}/morph?frames=5&format=json`, jsonBody({ a, b })));
      expect(frames).toHaveLength(5);
      expect(maxAbsDiff(frames[0], a)).toBeLessThan(1e-5);
      expect(maxAbsDiff(frames[4], b)).toBeLessThan(1e-5);
      expect(maxAbsDiff(frames[2], a.map((v, i) => (v + b[i]) / 2))).toBeLessThan(1e-5);
      const spherical = await latentsOf(await call(`${base}/morph?frames=3&path=spherical&format=json`, jsonBody({ a, b })));
      expect(maxAbsDiff(spherical[2], b)).toBeLessThan(1e-4);
      const gif = await call(`${base}/morph?frames=8&format=gif`, form({ a: syntheticPng(5), b: syntheticPng(6) }));
      expect(gif.status).toBe(200);
      expect(gif.headers.get('content-type')).toBe('image/gif');
      expect(new TextDecoder().decode(new Uint8Array(await gif.arrayBuffer()).subarray(0, 6))).toBe('GIF89a');
      const strip = await pngOf(await call(`${base}/morph?frames=4`, form({ a: syntheticPng(5), b: JSON.stringify(b) })));
      expect([strip.width, strip.height]).toEqual([4 * facts.width, facts.height]);
      await expectJsonError(await call(`${base}/morph?frames=1`, jsonBody({ a, b })), 422, /frames/);
      await expectJsonError(await call(`${base}/morph?frames=33`, jsonBody({ a, b })), 422, /frames/);
      await expectJsonError(await call(`${base}/morph?format=bmp`, jsonBody({ a, b })), 422, /format/);
      await expectJsonError(await call(`${base}/morph`, form({ a: syntheticPng(5) })), 422, /"b"/);
    });

    it('applies several attribute strengths at once, linearly, and names unknown attributes', async () => {
      const [first] = facts.attributes;
      const z = latent(0.5);
      const steps = await latentsOf(await call(`${base}/attributes?format=json`, jsonBody({ latent: z, attributes: { [first]: [0, 1, 2] } })));
      expect(steps).toHaveLength(3);
      expect(maxAbsDiff(steps[0], z)).toBeLessThan(1e-5);
      const twice = steps[1].map((v, i) => 2 * v - z[i]);
      expect(maxAbsDiff(steps[2], twice)).toBeLessThan(1e-4);
      const all = Object.fromEntries(facts.attributes.map((n) => [n, 0.5]));
      const combined = await call(`${base}/attributes`, form({ image: syntheticPng(7), attributes: JSON.stringify(all) }));
      expect((await pngOf(combined)).width).toBe(facts.width);
      expect(await expectJsonError(await call(`${base}/attributes`, jsonBody({ latent: z, attributes: { NoSuchThing: 1 } })), 422, /NoSuchThing/)).toBe(
        'unknown_attribute',
      );
      await expectJsonError(await call(`${base}/attributes`, jsonBody({ latent: z, attributes: { [first]: 1000 } })), 422);
      await expectJsonError(await call(`${base}/attributes`, jsonBody({ latent: z, attributes: {} })), 422);
    });

    it('teaches an attribute from examples: the mean difference, as a stateless token applied like any attribute', async () => {
      const shifted = (seed: number, by: number) => latent(seed).map((v, i) => v + (i === 0 ? by : 0));
      const taught = await call(`${base}/attributes/custom`, jsonBody({ positive: [shifted(1, 30), shifted(2, 30)], negative: [shifted(1, 0), shifted(2, 0)] }));
      const body = (await taught.json()) as { vector: number[]; token: string; positives: number; leaveOneOutAccuracy: number; cosines: Record<string, number> };
      expect(taught.status).toBe(200);
      expect(body.vector[0]).toBeCloseTo(30, 4);
      expect(maxAbsDiff(body.vector.slice(1), new Array(facts.dim - 1).fill(0))).toBeLessThan(1e-5);
      expect([body.positives, body.leaveOneOutAccuracy, Object.keys(body.cosines)]).toEqual([2, 1, facts.attributes]);
      const z = latent(0.5);
      const [edited] = await latentsOf(await call(`${base}/attributes?format=json`, jsonBody({ latent: z, attributes: { [`custom:${body.token}`]: 0.1 } })));
      expect(edited[0] - z[0]).toBeCloseTo(3, 2);
      const damaged = `custom:${body.token.slice(0, -2)}${body.token.endsWith('AA') ? 'BA' : 'AA'}`;
      expect(await expectJsonError(await call(`${base}/attributes`, jsonBody({ latent: z, attributes: { [damaged]: 1 } })), 422, /checksum/)).toBe('invalid_custom_attribute');
      const images = new FormData();
      for (const [name, seed] of [['positive', 1], ['positive', 2], ['negative', 3]] as const) images.append(name, new Blob([syntheticPng(seed) as BlobPart], { type: 'image/png' }), 'x.png');
      expect(await expectJsonError(await call(`${base}/attributes/custom`, { method: 'POST', body: images }), 422, /2–64 fields "negative"/)).toBe('invalid_examples');
      images.append('negative', JSON.stringify(z));
      const fromImages = (await (await call(`${base}/attributes/custom`, { method: 'POST', body: images })).json()) as { negatives: number; token: string };
      expect(fromImages.negatives).toBe(2);
      expect(fromImages.token.length).toBeGreaterThan(facts.dim * 2);
    });

    it('computes A − B + C analogies', async () => {
      const [a, b, c] = [latent(1), latent(2), latent(3)];
      const [out] = await latentsOf(await call(`${base}/analogy?format=json`, jsonBody({ a, b, c })));
      expect(maxAbsDiff(out, a.map((v, i) => v - b[i] + c[i]))).toBeLessThan(1e-4);
      const image = await pngOf(await call(`${base}/analogy`, form({ a: syntheticPng(1), b: syntheticPng(2), c: syntheticPng(3) })));
      expect(image.height).toBe(facts.height);
    });

    it('samples deterministically per seed, with conditional GET and bounded n', async () => {
      const first = await call(`${base}/sample?seed=5&n=3`);
      const etag = first.headers.get('etag')!;
      const image = await pngOf(first);
      expect([image.width, image.height]).toEqual([3 * facts.width, facts.height]);
      const same = await call(`${base}/sample?seed=5&n=3`);
      expect(same.headers.get('etag')).toBe(etag);
      const other = await call(`${base}/sample?seed=6&n=3`);
      expect(other.headers.get('etag')).not.toBe(etag);
      expect((await call(`${base}/sample?seed=5&n=3`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
      const latents = await latentsOf(await call(`${base}/sample?seed=5&n=2&format=json`));
      expect(latents).toHaveLength(2);
      await expectJsonError(await call(`${base}/sample?n=0`), 422, /n/);
      await expectJsonError(await call(`${base}/sample?n=65`), 422, /n/);
      await expectJsonError(await call(`${base}/sample?seed=-1`), 422, /seed/);
      expect(await expectJsonError(await call(`${base}/sample?n=64&size=1024`), 422, /limit/)).toBe('output_too_large');
    });

    it('refuses oversized, lying, truncated and over-dimensioned uploads with 4xx JSON', async () => {
      const limit = options.maxBodyBytes ?? 8 * 1024 * 1024;
      await expectJsonError(await call(`${base}/encode`, imageBody(new Uint8Array(limit + 1))), 413);
      await expectJsonError(await call(`${base}/encode`, imageBody(new TextEncoder().encode('not an image at all'))), 415, /not a PNG/);
      const png = syntheticPng(8);
      expect([400, 422]).toContain((await call(`${base}/encode`, imageBody(png.subarray(0, png.length - 30)))).status);
      await expectJsonError(await call(`${base}/encode`, imageBody(forgedPngHeader(100_000, 100_000))), 422, /100000×100000/);
      await expectJsonError(await call(`${base}/encode`, imageBody(forgedPngHeader(4096, 4096))), 422, /limit/);
      await expectJsonError(await call(`${base}/encode`, imageBody(forgedPngHeader(0, 10))), 422);
      await expectJsonError(await call(`${base}/encode`, imageBody(forgedGifHeader(60_000, 60_000), 'image/gif')), 422);
      await expectJsonError(await call(`${base}/encode`, imageBody(forgedJpegHeader(65_000, 65_000), 'image/jpeg')), 422);
      await expectJsonError(await call(`${base}/encode`, imageBody(new Uint8Array(0))), 400);
      await expectJsonError(await call(`${base}/encode`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hello' }), 415);
    });

    it('opens CORS for GET and POST without credentials', async () => {
      const preflight = await call(`${base}/reconstruct`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://blog.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      const simple = await call('/v1/health', { headers: { Origin: 'https://blog.example' } });
      expect(simple.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('publishes an OpenAPI document and a self-contained docs page', async () => {
      const doc = (await (await call('/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
      for (const op of ['encode', 'decode', 'reconstruct', 'morph', 'attributes', 'analogy']) expect(doc.paths[`/v1/models/{id}/${op}`]?.post).toBeTruthy();
      expect(doc.paths['/v1/models/{id}/sample'].get).toBeTruthy();
      expect(JSON.stringify(doc.paths['/v1/models/{id}/morph'])).toMatch(/"maximum":32/);
      const page = await call('/v1/docs');
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toMatch(/\/v1\/models\/\{id\}\/morph/);
      expect(html).not.toMatch(/(src|href)="https?:/);
    });
  });
}
