import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticFiles } from './static-files.ts';
import { IMMUTABLE, REVALIDATE } from './static-policy.ts';

const script = Buffer.from('export const answer = 42;\n'.repeat(200));
const sha256 = createHash('sha256').update(script).digest('hex');
let dir: string;
let app: Hono;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'latentlab-static-'));
  const site = path.join(dir, 'site');
  const variants = path.join(dir, 'variants');
  await mkdir(path.join(site, 'assets'), { recursive: true });
  await mkdir(path.join(site, 'morph'), { recursive: true });
  await mkdir(variants);
  await writeFile(path.join(site, 'app.js'), script);
  await writeFile(path.join(site, 'assets', 'page.0a1b2c.js'), script);
  await writeFile(path.join(site, 'morph', 'index.html'), '<!doctype html><title>morph</title>');
  await mkdir(path.join(site, 'train'), { recursive: true });
  await writeFile(path.join(site, 'train', 'index.html'), '<!doctype html><title>train</title>');
  await writeFile(path.join(variants, `${sha256}.br`), brotliCompressSync(script));
  await writeFile(path.join(variants, `${sha256}.gz`), gzipSync(script));
  app = new Hono();
  app.use('*', staticFiles({ roots: [site], precompressedDir: variants }));
  app.notFound((c) => c.text('missing', 404));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const get = (url: string, headers: Record<string, string> = {}) => app.request(url, { headers });
const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe('staticFiles', () => {
  it('serves the brotli variant to Chrome, which lists gzip first, with Vary and a strong ETag of that representation', async () => {
    const response = await get('/app.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(response.headers.get('etag')).toBe(`"${sha256.slice(0, 32)}-br"`);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(brotliDecompressSync(await bytes(response)).equals(script)).toBe(true);
  });

  it('falls back to gzip, then to the file itself, following q-values', async () => {
    const gzip = await get('/app.js', { 'accept-encoding': 'br;q=0, gzip' });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(await bytes(gzip)).equals(script)).toBe(true);
    const identity = await get('/app.js');
    expect(identity.headers.get('content-encoding')).toBeNull();
    expect(identity.headers.get('vary')).toBe('Accept-Encoding');
    expect(identity.headers.get('content-length')).toBe(String(script.length));
    expect((await bytes(identity)).equals(script)).toBe(true);
  });

  it('answers 304 to a matching If-None-Match (weakly compared, in a list) or a later If-Modified-Since', async () => {
    const first = await get('/app.js', { 'accept-encoding': 'br' });
    const etag = first.headers.get('etag')!;
    const again = await get('/app.js', { 'accept-encoding': 'br', 'if-none-match': `"other", W/${etag}` });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await get('/app.js', { 'accept-encoding': 'gzip', 'if-none-match': etag })).status).toBe(200);
    const since = new Date(Date.now() + 60_000).toUTCString();
    expect((await get('/app.js', { 'if-modified-since': since })).status).toBe(304);
    expect((await get('/app.js', { 'if-modified-since': new Date(0).toUTCString() })).status).toBe(200);
  });

  it('marks hashed file names and URLs versioned with the current content hash immutable, and nothing else', async () => {
    expect((await get('/assets/page.0a1b2c.js')).headers.get('cache-control')).toBe(IMMUTABLE);
    expect((await get(`/app.js?v=${sha256.slice(0, 16)}`)).headers.get('cache-control')).toBe(IMMUTABLE);
    expect((await get('/app.js?v=0123456789abcdef')).headers.get('cache-control')).toBe(REVALIDATE);
    expect((await get('/app.js')).headers.get('cache-control')).toBe(REVALIDATE);
    expect((await get('/morph/')).headers.get('cache-control')).toBe(REVALIDATE);
  });

  it('serves folders by their index.html, redirects a folder asked without its slash, and never leaves the root', async () => {
    expect(await (await get('/morph/')).text()).toContain('<title>morph</title>');
    const redirect = await get('/morph?x=1');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/morph/?x=1');
    expect((await get('//morph')).headers.get('location')).toBe('/morph/');
    for (const url of ['/..%2fsite/app.js', '/%2e%2e/site/app.js', '/missing.js', '/%E0%A4%A']) {
      expect((await get(url)).status, url).toBe(404);
    }
  });

  it('isolates the pages that train in the tab (COOP + COEP), gives scripts COEP for their workers, and leaves other pages alone', async () => {
    const train = await get('/train/');
    expect([train.headers.get('cross-origin-opener-policy'), train.headers.get('cross-origin-embedder-policy')]).toEqual(['same-origin', 'require-corp']);
    const script = await get('/assets/page.0a1b2c.js');
    expect([script.headers.get('cross-origin-opener-policy'), script.headers.get('cross-origin-embedder-policy')]).toEqual([null, 'require-corp']);
    const morph = await get('/morph/');
    expect([morph.headers.get('cross-origin-opener-policy'), morph.headers.get('cross-origin-embedder-policy')]).toEqual([null, null]);
  });

  it('HEAD sends the headers of GET without a body', async () => {
    const response = await app.request('/app.js', { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(brotliCompressSync(script).length));
    expect(await response.text()).toBe('');
  });

  it('a file changed on disk gets a new ETag and is never answered with the old content variant', async () => {
    const changed = Buffer.concat([script, Buffer.from('// changed\n')]);
    await writeFile(path.join(dir, 'site', 'app.js'), changed);
    const response = await get('/app.js', { 'accept-encoding': 'br' });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('etag')).toBe(`"${createHash('sha256').update(changed).digest('hex').slice(0, 32)}"`);
    expect((await bytes(response)).equals(changed)).toBe(true);
  });
});
