import type { ModelSource } from './registry.ts';

export interface FetchSourceOptions {
  /** `fetch`, or a binding's fetch such as Workers' `env.ASSETS.fetch`. */
  fetch: (url: string) => Promise<Response>;
  /** URL of the folder holding the model folders, e.g. `https://host/models` or `/models`. */
  baseUrl: string;
  /** The model ids on offer. */
  ids: readonly string[];
}

/** Model folders served over HTTP: static assets on Workers, /models/ of the Node server for the site. */
export function fetchModelSource(options: FetchSourceOptions): ModelSource {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    list: async () => [...options.ids],
    reader: (id) => async (path) => {
      const url = `${base}/${encodeURIComponent(id)}/${path.split('/').map(encodeURIComponent).join('/')}`;
      const response = await options.fetch(url);
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      return response.arrayBuffer();
    },
  };
}
