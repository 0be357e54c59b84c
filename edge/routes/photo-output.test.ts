import { decode as decodePng } from 'fast-png';
import { GifReader } from 'omggif';
import sharp from 'sharp';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, type RgbaImage } from '#core/image/decode.ts';
import { encodePng } from '#core/image/encode.ts';
import { sharpJpegEncoder } from '../node/jpeg.ts';
import { createNodeApp } from '../node/server.ts';
import { decodedFacePhoto } from '../testing/decoded-face.ts';
import { withExifOrientation } from '../testing/images.ts';
import { OUTPUT_HEADER } from './photo-output.ts';

const modelsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
type NodeApp = ReturnType<typeof createNodeApp>;
let app: NodeApp['app'];
let pool: NodeApp['pool'];
/** A 400×300 "photo": the generated face enlarged 3× on a gradient, so the aligner finds it without CelebA. */
let photo: RgbaImage;

beforeAll(() => {
  ({ app, pool } = createNodeApp({ modelsDir }));
  photo = decodedFacePhoto(400, 300, 3, 180, 150);
});
afterAll(() => pool.close());

function form(fields: Record<string, Uint8Array | string>, type = 'image/png'): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') body.append(name, value);
    else body.append(name, new Blob([value as Uint8Array<ArrayBuffer>], { type }), name);
  }
  return body;
}
const post = (path: string, body: FormData) => app.request(`/v1/models/${path}`, { method: 'POST', body });
const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer());

describe('your own photo back (detail=keep, output=photo)', () => {
  it('edits an aligned PNG photo by default into the whole photo, leaving pixels away from the face as they were', async () => {
    const response = await post('faces/attributes', form({ image: encodePng(photo), attributes: '{"Smiling": 2}' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get(OUTPUT_HEADER)).toBe('detail=keep; output=photo');
    const edited = decodeImage(await bytes(response));
    expect([edited.width, edited.height]).toEqual([400, 300]);
    const at = (image: RgbaImage, x: number, y: number) => Array.from(image.data.subarray(4 * (y * image.width + x), 4 * (y * image.width + x) + 3));
    for (const [x, y] of [[5, 5], [395, 10], [390, 290], [10, 280]]) expect(at(edited, x, y)).toEqual(at(photo, x, y));
    let changed = 0;
    for (let i = 0; i < edited.data.length; i++) if (edited.data[i] !== photo.data[i]) changed++;
    expect(changed).toBeGreaterThan(500);
  });

  it('answers a JPEG with a JPEG of the upload’s size, EXIF orientation applied', async () => {
    const sideways = decodedFacePhoto(300, 400, 3, 150, 200);
    // Stored turned 90° counter-clockwise, tagged 6 ("turn clockwise to view"), as a phone held upright writes it.
    const stored: RgbaImage = { width: 400, height: 300, data: new Uint8Array(400 * 300 * 4) };
    for (let y = 0; y < 300; y++) for (let x = 0; x < 400; x++) stored.data.set(sideways.data.subarray(4 * (x * 300 + (299 - y)), 4 * (x * 300 + (299 - y)) + 4), 4 * (y * 400 + x));
    const jpeg = withExifOrientation(await sharpJpegEncoder(stored, 95), 6);
    const response = await post('faces/attributes', form({ image: jpeg, attributes: '{"Young": -1.5}' }, 'image/jpeg'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const edited = decodeImage(await bytes(response));
    expect([edited.width, edited.height]).toEqual([300, 400]);
    const png = await post('faces/attributes?format=png', form({ image: jpeg, attributes: '{"Young": -1.5}' }, 'image/jpeg'));
    expect(png.headers.get('content-type')).toBe('image/png');
  });

  it("keeps a phone photo's colour space: its Display P3 profile comes back in the JPEG and in a PNG", async () => {
    const p3 = new Uint8Array(await sharp(photo.data, { raw: { width: 400, height: 300, channels: 4 } }).withIccProfile('p3').jpeg({ quality: 95 }).toBuffer());
    const { icc } = await sharp(p3).metadata();
    for (const query of ['', '?format=png']) {
      const response = await post(`faces/attributes${query}`, form({ image: p3, attributes: '{"Smiling": 1}' }, 'image/jpeg'));
      expect(response.status).toBe(200);
      const answer = await sharp(await bytes(response)).metadata();
      expect(answer.format).toBe(query ? 'png' : 'jpeg');
      expect(Buffer.compare(answer.icc!, icc!)).toBe(0);
    }
    const plain = await post('faces/attributes', form({ image: encodePng(photo), attributes: '{"Smiling": 1}' }));
    expect((await sharp(await bytes(plain)).metadata()).icc).toBeUndefined();
  });

  it('returns a strength list as a GIF of whole photos, bounded by the output-pixel limit', async () => {
    const response = await post('faces/attributes?format=gif', form({ image: encodePng(photo), attributes: '{"Smiling": [0, 1, 2]}' }));
    expect(response.status).toBe(200);
    const gif = new GifReader(await bytes(response));
    expect([gif.width, gif.height, gif.numFrames()]).toEqual([400, 300, 3]);
    const steps = JSON.stringify({ Smiling: Array.from({ length: 32 }, (_, k) => k / 10) });
    const large = encodePng(decodedFacePhoto(640, 480, 4, 320, 240));
    const tooMany = await post('faces/attributes?format=gif', form({ image: large, attributes: steps }));
    expect(tooMany.status).toBe(422);
    expect(((await tooMany.json()) as { error: { code: string } }).error.code).toBe('output_too_large');
  });

  it('keeps reconstruct the autoencoder’s view, and detail=keep&output=face the photo’s own face crop', async () => {
    const plain = await post('faces/reconstruct', form({ image: encodePng(photo) }));
    expect(plain.headers.get(OUTPUT_HEADER)).toBe('detail=none; output=face');
    expect(decodePng(await bytes(plain)).width).toBe(64);
    const kept = await post('faces/reconstruct?detail=keep&output=face', form({ image: encodePng(photo) }));
    const crop = decodePng(await bytes(kept));
    expect(crop.width).toBeGreaterThan(150);
    expect(crop.width).toBeLessThanOrEqual(512);
  });

  it('morphs two photos through sharp face crops whose end frames are the photos’ own faces', async () => {
    const other = encodePng(decodedFacePhoto(300, 300, 2.5, 160, 140));
    const response = await post('faces/morph?frames=3&size=128', form({ a: encodePng(photo), b: other }));
    expect(response.status).toBe(200);
    expect(response.headers.get(OUTPUT_HEADER)).toBe('detail=keep; output=face');
    const strip = decodePng(await bytes(response));
    expect([strip.width, strip.height]).toEqual([3 * 128, 128]);
    const first = decodePng(await bytes(await post('faces/reconstruct?detail=keep&output=face&size=128', form({ image: encodePng(photo) }))));
    for (let y = 0; y < 128; y += 7) {
      for (let x = 0; x < 128; x += 5) {
        for (let c = 0; c < 3; c++) expect(strip.data[(y * 3 * 128 + x) * 3 + c]).toBe(first.data[(y * 128 + x) * 3 + c]);
      }
    }
  });

  it('refuses combinations that cannot work with a 422 that says why', async () => {
    const latent = JSON.stringify(Array.from({ length: 128 }, () => 0));
    const cases: [string, FormData, string][] = [
      ['faces/attributes?output=photo', form({ latent, attributes: '{"Smiling": 1}' }), 'detail_needs_photo'],
      ['faces/attributes?output=photo&size=256', form({ image: encodePng(photo), attributes: '{"Smiling": 1}' }), 'size_with_photo'],
      ['digits/reconstruct?detail=keep', form({ image: encodePng(photo) }), 'detail_unsupported'],
      ['faces/morph?detail=keep', form({ a: latent, b: latent }), 'detail_needs_photo'],
    ];
    for (const [path, body, code] of cases) {
      const response = await post(path, body);
      expect(response.status, path).toBe(422);
      const error = ((await response.json()) as { error: { code: string; message: string } }).error;
      expect(error.code, path).toBe(code);
      expect(error.message.length).toBeGreaterThan(20);
    }
    const latentEdit = await post('faces/attributes', form({ latent, attributes: '{"Smiling": 1}' }));
    expect(latentEdit.headers.get(OUTPUT_HEADER)).toBe('detail=none; output=face');
  });
});
