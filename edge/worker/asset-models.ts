import { fetchModelSource } from '#core/fetch-source.ts';
import type { ModelSource } from '#core/registry.ts';

/** The slice of Workers' static-assets binding (`env.ASSETS`) the API uses. */
export interface AssetsBinding {
  fetch(request: Request | string | URL): Promise<Response>;
}

// The assets binding ignores the host; any absolute URL names a file by its path.
const assetsOrigin = 'https://assets.invalid';

/** Fetches a static asset by its path, e.g. `/models/index.json`. */
export function assetFetcher(assets: AssetsBinding): (path: string) => Promise<Response> {
  return (path) => assets.fetch(new URL(path, assetsOrigin));
}

/**
 * Models served as Workers static assets under /models/<id>/ (see assemble-assets.ts), listed by /models/index.json
 * because a static host cannot list a folder. The weights stay out of the script bundle.
 */
export function assetModelSource(assets: AssetsBinding): ModelSource {
  const fetchAsset = assetFetcher(assets);
  const files = fetchModelSource({ fetch: fetchAsset, baseUrl: '/models', ids: [] });
  return {
    async list() {
      const response = await fetchAsset('/models/index.json');
      if (!response.ok) throw new Error(`static asset /models/index.json answered ${response.status}`);
      const index = (await response.json()) as { models?: { id?: unknown }[] };
      if (!Array.isArray(index.models)) throw new Error('static asset /models/index.json has no "models" list');
      return index.models.map((entry) => entry.id).filter((id): id is string => typeof id === 'string');
    },
    reader: files.reader,
  };
}
