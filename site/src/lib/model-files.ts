import { loadModel, type LoadedModel, type ReadFile } from '../../../edge/core/model-loader.ts';

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

/**
 * One weights file, from Cache Storage when this sha256 was fetched before (the caller verifies the bytes).
 * `cache` defaults to the site's model cache.
 */
export async function fetchCachedFile(url: URL, sha256: string, cache?: Cache, onChunk: (bytes: number) => void = () => undefined): Promise<ArrayBuffer> {
  cache ??= await openCache();
  const key = new Request(`${url.href}?sha256=${sha256}`);
  const cached = await cache?.match(key);
  const response = cached ?? (await fetch(url));
  if (!response.ok) throw new Error(`model file ${url.href} answered HTTP ${response.status}`);
  const buffer = await readWithProgress(response, onChunk);
  if (!cached && cache) await cache.put(key, new Response(buffer)).catch(() => undefined);
  return buffer;
}

/**
 * Fetches a model folder through the core loader (which checks sizes and sha256 against the manifest).
 * Weights are kept in Cache Storage under their sha256, so a retrained model is fetched again and an unchanged one never is.
 */
export async function fetchModel(modelBase: URL, onProgress?: (progress: LoadProgress) => void): Promise<LoadedModel> {
  const cache = await openCache();
  const progress: LoadProgress = { loaded: 0, total: 0 };
  const hashes = new Map<string, string>();

  const read: ReadFile = async (path) => {
    const url = new URL(path, modelBase);
    if (path === 'manifest.json') {
      const response = await fetch(url, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`model manifest ${url.href} answered HTTP ${response.status}`);
      const buffer = await response.arrayBuffer();
      const files = (JSON.parse(new TextDecoder().decode(buffer)) as { files?: Record<string, { path: string; sha256: string; bytes: number }> }).files ?? {};
      for (const entry of Object.values(files)) {
        hashes.set(entry.path, entry.sha256);
        progress.total += entry.bytes;
      }
      onProgress?.({ ...progress });
      return buffer;
    }
    return fetchCachedFile(url, hashes.get(path) ?? 'unknown', cache, (bytes) => {
      progress.loaded += bytes;
      onProgress?.({ ...progress });
    });
  };

  return loadModel(read);
}
