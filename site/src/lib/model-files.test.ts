import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '#core/sha256.ts';
import { fetchCachedFile, fetchModel } from './model-files.ts';

/** Cache Storage exists in browsers only; this keeps responses in a Map with the same match/put/delete contract. */
class MemoryCache {
  readonly entries = new Map<string, Uint8Array>();
  match(request: Request): Promise<Response | undefined> {
    const body = this.entries.get(request.url);
    return Promise.resolve(body ? new Response(body.slice()) : undefined);
  }
  async put(request: Request, response: Response): Promise<void> {
    this.entries.set(request.url, new Uint8Array(await response.arrayBuffer()));
  }
  delete(request: Request): Promise<boolean> {
    return Promise.resolve(this.entries.delete(request.url));
  }
}

describe('model files', () => {
  const served = new Map<string, Uint8Array>();
  const requests: string[] = [];
  let server: Server;
  let base: URL;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push(path);
      const body = served.get(path);
      // A fresh connection per request: on this loaded machine a reused idle socket can outlive the server's keep-alive.
      res.writeHead(body ? 200 : 404, { connection: 'close' }).end(body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => {
    served.clear();
    requests.length = 0;
  });

  const good = new TextEncoder().encode('the weights as released');
  const expected = async () => ({ bytes: good.byteLength, sha256: await sha256Hex(good) });

  it('stores a verified download and serves it from the cache afterwards', async () => {
    served.set('/w.onnx', good);
    const cache = new MemoryCache();
    const url = new URL('w.onnx', base);
    expect(new Uint8Array(await fetchCachedFile(url, await expected(), cache as unknown as Cache))).toEqual(good);
    expect(new Uint8Array(await fetchCachedFile(url, await expected(), cache as unknown as Cache))).toEqual(good);
    expect(requests).toEqual(['/w.onnx']);
    expect(cache.entries.size).toBe(1);
  });

  it('refuses a download that does not match, names the file and caches nothing', async () => {
    served.set('/w.onnx', new TextEncoder().encode('the weights as released!'));
    const cache = new MemoryCache();
    await expect(fetchCachedFile(new URL('w.onnx', base), await expected(), cache as unknown as Cache)).rejects.toThrow(/w\.onnx .*bytes, expected/);
    served.set('/w.onnx', new TextEncoder().encode('the weights as RELEASED'));
    await expect(fetchCachedFile(new URL('w.onnx', base), await expected(), cache as unknown as Cache)).rejects.toThrow(/w\.onnx .*sha256/);
    expect(cache.entries.size).toBe(0);
  });

  it('drops a cached copy that does not verify and fetches the file again', async () => {
    served.set('/w.onnx', good);
    const cache = new MemoryCache();
    const url = new URL('w.onnx', base);
    const want = await expected();
    const key = `${url.href}?sha256=${want.sha256}`;
    cache.entries.set(key, new TextEncoder().encode('a stale file from before'));
    const seen: number[] = [];
    expect(new Uint8Array(await fetchCachedFile(url, want, cache as unknown as Cache, (n) => seen.push(n)))).toEqual(good);
    expect(requests).toEqual(['/w.onnx']);
    expect(cache.entries.get(key)).toEqual(good);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(good.byteLength);
  });

  it('loads a model folder and refuses one whose weights differ from the manifest, naming the file', async () => {
    const folder = join(import.meta.dirname, '..', '..', '..', 'models', 'digits');
    for (const name of ['manifest.json', 'attributes.json', 'encoder.onnx', 'decoder.onnx']) served.set(`/digits/${name}`, new Uint8Array(readFileSync(join(folder, name))));
    const model = await fetchModel(new URL('digits/', base));
    // Compared as hashes: a deep equality over half a megabyte of bytes takes seconds.
    expect(await sha256Hex(model.encoder)).toBe(await sha256Hex(served.get('/digits/encoder.onnx')!));
    const tampered = served.get('/digits/decoder.onnx')!.slice();
    tampered[100] ^= 1;
    served.set('/digits/decoder.onnx', tampered);
    await expect(fetchModel(new URL("digits/", base))).rejects.toThrow(/digits\/decoder\.onnx .*sha256/);
  });
});
