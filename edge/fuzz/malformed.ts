import { Random } from '#core/random.ts';
import { FIXTURE_DIM } from '../../train/testing/fixture-model.ts';
import { forgedGifHeader, forgedJpegHeader, forgedPngHeader, syntheticJpeg, syntheticPng } from '../testing/images.ts';

/** One request to send: `path` is resolved against any origin, so every runtime gets the same bytes. */
export type Case = { label: string; path: string; init: RequestInit };

const OPERATIONS = ['encode', 'decode', 'reconstruct', 'morph', 'attributes', 'analogy'];
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/octet-stream', 'text/plain', ''];

function randomBytes(random: Random, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random.uniform() * 256));
}

/** The fuzz corpus against the fixture model (edge/testing): builds malformed requests of every kind from one seed, so a failure can be replayed exactly. */
export function malformedCases(seed: number, count: number): Case[] {
  const random = Random.fromSeed(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random.uniform() * items.length)];
  const int = (max: number) => Math.floor(random.uniform() * max);
  const png = syntheticPng(1);
  const jpeg = syntheticJpeg(2);
  const gif = forgedGifHeader(8, 8);
  const op = () => `/v1/models/fixture/${pick(OPERATIONS)}`;
  const post = (body: Uint8Array | string, type: string): RequestInit => ({ method: 'POST', body: body as BodyInit, headers: type ? { 'Content-Type': type } : {} });
  const json = (text: string) => post(text, 'application/json');
  const latent = (n = FIXTURE_DIM) => Array.from({ length: n }, () => random.normal());
  const wrongLatents: unknown[] = [
    'abc',
    42,
    null,
    {},
    [],
    [[1, 2]],
    latent(FIXTURE_DIM - 1),
    latent(FIXTURE_DIM + 1),
    latent(5000),
    latent().map(String),
    [...latent(FIXTURE_DIM - 1), null],
    [...latent(FIXTURE_DIM - 1), true],
  ];
  const generators: (() => Case)[] = [
    () => ({ label: 'random bytes', path: op(), init: post(randomBytes(random, 1 + int(4000)), pick(IMAGE_TYPES)) }),
    () => ({ label: 'png-signed garbage', path: op(), init: post(new Uint8Array([...png.subarray(0, 8), ...randomBytes(random, int(300))]), 'image/png') }),
    () => ({ label: 'truncated png', path: `/v1/models/fixture/${pick(['encode', 'reconstruct'])}`, init: post(png.subarray(0, 1 + int(png.length - 13)), 'image/png') }),
    () => ({ label: 'truncated jpeg', path: `/v1/models/fixture/${pick(['encode', 'reconstruct'])}`, init: post(jpeg.subarray(0, 1 + int(jpeg.length - 3)), 'image/jpeg') }),
    () => ({ label: 'truncated gif', path: '/v1/models/fixture/encode', init: post(gif.subarray(0, 1 + int(gif.length)), 'image/gif') }),
    () => {
      const corrupt = png.slice();
      for (let k = 0; k < 4; k++) corrupt[33 + int(corrupt.length - 45)] ^= 1 + int(255);
      return { label: 'bit-flipped png', path: '/v1/models/fixture/reconstruct', init: post(corrupt, 'image/png') };
    },
    () => {
      const forge = pick([forgedPngHeader, forgedJpegHeader, forgedGifHeader]);
      const huge = pick([[0, 10], [10, 0], [5000, 10], [10, 5000], [4000, 4001], [65535, 65535]]);
      return { label: 'huge-dimension header', path: '/v1/models/fixture/encode', init: post(forge(huge[0], huge[1]), 'image/png') };
    },
    () => ({ label: 'bad json', path: op(), init: json(pick(['{', '{"latent": [1,2', 'null x', '[]]', '{"a":}', '\u0000', `{"latent": ${'['.repeat(200)}`])) }),
    () => ({ label: 'wrong latent', path: '/v1/models/fixture/decode', init: json(JSON.stringify({ latent: pick(wrongLatents) })) }),
    () => ({ label: 'wrong morph', path: '/v1/models/fixture/morph', init: json(JSON.stringify({ a: pick(wrongLatents), b: latent() })) }),
    () => ({
      label: 'wrong strengths',
      path: '/v1/models/fixture/attributes',
      init: json(JSON.stringify({ latent: latent(), attributes: pick([{}, { Round: 'x' }, { Round: 1e9 }, { Nope: 1 }, { Round: [1, 2], Red: [1] }, [], 'Round', { 'bad name!': 1 }]) })),
    }),
    () => ({ label: 'json to image-only route', path: '/v1/models/fixture/encode', init: json(JSON.stringify({ image: 'aGVsbG8=' })) }),
    () => {
      const form = new FormData();
      form.set(pick(['a', 'image', 'latent', 'x']), pick(['not json', '[1,2]', '{}', '']));
      if (random.uniform() < 0.5) form.set('attributes', pick(['{', '{"Round": "max"}', '[]']));
      return { label: 'bad multipart', path: op(), init: { method: 'POST', body: form } };
    },
    () => ({ label: 'broken multipart', path: op(), init: post('--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n', 'multipart/form-data; boundary=xyz') }),
    () => {
      const param = pick(['frames=1', 'frames=99', 'frames=abc', 'size=-5', 'size=99999', 'format=bmp', 'path=curvy', 'delay=0', 'resample=cubic']);
      return { label: 'bad query', path: `/v1/models/fixture/morph?${param}`, init: json(JSON.stringify({ a: latent(), b: latent() })) };
    },
    () => ({ label: 'bad sample query', path: `/v1/models/fixture/sample?${pick(['n=0', 'n=1000', 'seed=-3', 'seed=1.5', 'seed=abc', 'temperature=9', 'format=tiff', 'size=1'])}`, init: {} }),
    () => ({ label: 'unknown model', path: `/v1/models/${pick(['nope', 'x'.repeat(80), 'UPPER', '..', '%2e%2e'])}/${pick(OPERATIONS)}`, init: post(png, 'image/png') }),
    () => ({ label: 'wrong method', path: `/v1/models/fixture/${pick(OPERATIONS)}`, init: { method: pick(['GET', 'PUT', 'DELETE', 'PATCH']) } }),
  ];
  return Array.from({ length: count }, (_, k) => generators[k % generators.length]());
}
