import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeApp } from '../node/server.ts';
import { fiftyMegapixelJpeg } from '../testing/big-photo.ts';
import { syntheticPng, syntheticRgba } from '../testing/images.ts';
import { ALIGN_HEADER } from './alignment.ts';
import { OUTPUT_HEADER } from './photo-output.ts';

const modelsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
type NodeApp = ReturnType<typeof createNodeApp>;
let app: NodeApp['app'];
let pool: NodeApp['pool'];

beforeAll(() => {
  ({ app, pool } = createNodeApp({ modelsDir }));
});
afterAll(() => pool.close());

const post = (path: string, body: Uint8Array | FormData, headers: Record<string, string> = {}) => app.request(`/v1/models/${path}`, { method: 'POST', body: body as BodyInit, headers });
const latentOf = async (response: Response) => {
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { latent: number[] }).latent;
};

describe('uploads people send', () => {
  it('takes a raw image sent as application/octet-stream, form-urlencoded (curl --data-binary) or with no type', async () => {
    const png = syntheticPng(7, 48, 48);
    const reference = await latentOf(await post('digits/encode', png, { 'Content-Type': 'image/png' }));
    // fetch sends a Uint8Array body without a Content-Type, as Python requests does.
    expect(await latentOf(await post('digits/encode', png))).toEqual(reference);
    expect(await latentOf(await post('digits/encode', png, { 'Content-Type': 'application/octet-stream' }))).toEqual(reference);
    expect(await latentOf(await post('digits/encode', png, { 'Content-Type': 'application/x-www-form-urlencoded' }))).toEqual(reference);
    const text = await post('digits/encode', new TextEncoder().encode('hello'), { 'Content-Type': 'application/octet-stream' });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { message: string } }).error.message).toMatch(/not a PNG, JPEG, GIF or WebP/);
  });

  it('reads WebP, raw or multipart, to the same code as the same pixels in a PNG', async () => {
    const rgba = syntheticRgba(8, 48, 48);
    const raw = { raw: { width: 48, height: 48, channels: 4 as const } };
    const [webp, png] = await Promise.all([sharp(rgba, raw).webp({ lossless: true }).toBuffer(), sharp(rgba, raw).png().toBuffer()]);
    const reference = await latentOf(await post('digits/encode', new Uint8Array(png), { 'Content-Type': 'image/png' }));
    expect(await latentOf(await post('digits/encode', new Uint8Array(webp), { 'Content-Type': 'image/webp' }))).toEqual(reference);
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(webp)], { type: 'image/webp' }), 'photo.webp');
    expect(await latentOf(await post('digits/encode', form))).toEqual(reference);
  });

  it('edits a 50 MP JPEG photo, read at reduced scale, and answers the whole photo at 4096×3072', async () => {
    const photo = await fiftyMegapixelJpeg();
    const form = new FormData();
    form.append('image', new Blob([photo as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'phone.jpg');
    form.append('attributes', '{"Smiling": 2}');
    const response = await post('faces/attributes', form);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/jpeg');
    expect(response.headers.get(OUTPUT_HEADER)).toBe('detail=keep; output=photo');
    expect(JSON.parse(response.headers.get(ALIGN_HEADER)!).latent.applied).toBe(true);
    const { width, height } = await sharp(new Uint8Array(await response.arrayBuffer())).metadata();
    expect([width, height]).toEqual([4096, 3072]);
  }, 60_000);
});
