import { gifWithFrame, jpegScanBomb, largeBlackPng16, outOfRangePalettePng, pngDeflateBomb } from '../testing/hostile-images.ts';
import { forgedJpegHeader, forgedWebpHeader } from '../testing/images.ts';
import type { Case } from './malformed.ts';

/** A probe of issue 15's table: what must come back, and how fast. */
export interface HostileCase extends Case {
  status: number;
  /** Refusals must come within a second; legal large inputs are only required to be served. */
  withinMs?: number;
  /** Upper bound of the response body, for answers that once echoed their input. */
  maxBodyBytes?: number;
}

const upload = (bytes: Uint8Array, type = 'image/png'): RequestInit => ({ method: 'POST', headers: { 'Content-Type': type }, body: bytes as BodyInit });

/** The largest legal rendering request: 64 samples at 256 px (4.2 MP, the output-pixel limit), as a GIF. */
export const LARGEST_SAMPLE = '/v1/models/fixture/sample?n=64&size=256&format=gif&resample=bilinear';

/** Hostile inputs from the probe of `npm start`, against the fixture model. */
export function hostileCases(): HostileCase[] {
  const encode = '/v1/models/fixture/encode';
  return [
    { label: 'PNG: 100×100 header, IDAT inflating to 1 GiB', path: encode, init: upload(pngDeflateBomb()), status: 400, withinMs: 1000 },
    { label: 'GIF: 1×1 screen, 65535×65535 frame', path: encode, init: upload(gifWithFrame(1, 1, 65535, 65535), 'image/gif'), status: 400, withinMs: 1000 },
    { label: 'GIF: 1×1 screen, 16384×16384 frame', path: encode, init: upload(gifWithFrame(1, 1, 16384, 16384), 'image/gif'), status: 400, withinMs: 1000 },
    { label: 'PNG: palette index out of range', path: encode, init: upload(outOfRangePalettePng()), status: 400, withinMs: 1000 },
    { label: 'JPEG: progressive 4000², 10,000 scans', path: encode, init: upload(jpegScanBomb(), 'image/jpeg'), status: 422, withinMs: 1000 },
    {
      label: 'a latent of 4,096 strings',
      path: '/v1/models/fixture/decode',
      init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ latent: new Array(4096).fill('x'.repeat(20)) }) },
      status: 422,
      withinMs: 1000,
      maxBodyBytes: 4096,
    },
    { label: 'a wrong method on a known route', path: encode, init: { method: 'PUT' }, status: 405, withinMs: 1000 },
    { label: 'a missing page: /package.json', path: '/package.json', init: {}, status: 404, withinMs: 1000 },
    { label: 'a missing page: /.env', path: '/.env', init: {}, status: 404, withinMs: 1000 },
    // Reduced-scale reading stops at 64 MP, and WebP is never read past the decode budget: refused on every runtime.
    { label: 'JPEG: 16384×16384 header (over 64 MP)', path: encode, init: upload(forgedJpegHeader(16384, 16384), 'image/jpeg'), status: 422, withinMs: 1000 },
    { label: 'WebP: 16383×16383 header', path: encode, init: upload(forgedWebpHeader(16383, 16383), 'image/webp'), status: 422, withinMs: 1000 },
    { label: 'text sent as application/octet-stream', path: encode, init: upload(new TextEncoder().encode('not an image'), 'application/octet-stream'), status: 415, withinMs: 1000 },
    { label: 'legal: 4000×4000 16-bit RGBA PNG', path: '/v1/models/fixture/reconstruct', init: upload(largeBlackPng16()), status: 200 },
  ];
}
