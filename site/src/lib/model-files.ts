import { ContractError, parseManifest, type FileEntry, type Manifest } from '#core/manifest.ts';
import { loadModel, type LoadedModel, type ReadFile } from '#core/model-loader.ts';
import { sha256Hex } from '#core/sha256.ts';

export interface LoadProgress {
  loaded: number;
  total: number;
}

const CACHE_NAME = 'latentlab-models-v1';

async function openCache(): Promise<Cache | undefined> {
  // Cache Storage exists only in secure contexts; elsewhere the HTTP cache still helps.
  if (typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(CACHE_NAME);
  } catch {
    return undefined;
  }
}

async function readWithProgress(response: Response, onChunk: (bytes: number) => void): Promise<ArrayBuffer> {
  if (!response.body) {
    const buffer = await response.arrayBuffer();
    onChunk(buffer.byteLength);
    return buffer;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    onChunk(value.byteLength);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
}

/** What a file must be: its byte count and sha256, as a manifest lists them. */
export type ExpectedFile = Pick<FileEntry, 'bytes' | 'sha256'>;

async function mismatch(buffer: ArrayBuffer, expected: ExpectedFile): Promise<string | undefined> {
  if (buffer.byteLength !== expected.bytes) return `${buffer.byteLength} bytes, expected ${expected.bytes}`;
  const digest = await sha256Hex(buffer);
  return digest === expected.sha256 ? undefined : `sha256 ${digest}, expected ${expected.sha256}`;
}

/**
 * One weights file, checked against its size and sha256 and kept in Cache Storage under that sha256 (`cache` defaults
 * to the site's model cache). Only verified bytes are stored: a stale or broken file served once would otherwise be
 * reused under the right key forever. A cached copy that no longer verifies is dropped and fetched again.
 */
export async function fetchCachedFile(url: URL, expected: ExpectedFile, cache?: Cache, onChunk: (bytes: number) => void = () => undefined): Promise<ArrayBuffer> {
  cache ??= await openCache();
  const key = new Request(`${url.href}?sha256=${expected.sha256}`);
  const cached = await cache?.match(key);
  if (cached) {
    const buffer = await cached.arrayBuffer().catch(() => undefined);
    if (buffer && !(await mismatch(buffer, expected))) {
      // Counted once verified, so progress never passes 100 % when a bad copy is fetched again.
      onChunk(buffer.byteLength);
      return buffer;
    }
    await cache?.delete(key).catch(() => undefined);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`model file ${url.href} answered HTTP ${response.status}`);
  const buffer = await readWithProgress(response, onChunk);
  const problem = await mismatch(buffer, expected);
  if (problem) throw new Error(`model file ${url.href} does not match the size and sha256 listed for it: ${problem}`);
  if (cache) await cache.put(key, new Response(buffer)).catch(() => undefined);
  return buffer;
}

/**
 * Fetches a model folder through the core loader. Every file the manifest lists is verified as it is fetched, so the
 * loader's own check would only hash the bytes twice. Weights are kept in Cache Storage under their sha256, so a
 * retrained model is fetched again and an unchanged one never is.
 */
export async function fetchModel(modelBase: URL, onProgress?: (progress: LoadProgress) => void): Promise<LoadedModel> {
  const cache = await openCache();
  const progress: LoadProgress = { loaded: 0, total: 0 };
  let files: Manifest['files'] | undefined;

  const read: ReadFile = async (path) => {
    const url = new URL(path, modelBase);
    if (path === 'manifest.json') {
      const response = await fetch(url, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`model manifest ${url.href} answered HTTP ${response.status}`);
      const buffer = await response.arrayBuffer();
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder().decode(buffer));
      } catch (error) {
        throw new ContractError(url.href, [`not valid JSON: ${(error as Error).message}`]);
      }
      files = parseManifest(value, url.href).files;
      for (const entry of Object.values(files)) progress.total += entry.bytes;
      onProgress?.({ ...progress });
      return buffer;
    }
    const entry = Object.values(files ?? {}).find((e) => e.path === path);
    if (!entry) throw new Error(`model file ${url.href} is not listed in the manifest`);
    return fetchCachedFile(url, entry, cache, (bytes) => {
      progress.loaded += bytes;
      onProgress?.({ ...progress });
    });
  };

  return loadModel(read, { verify: false });
}
