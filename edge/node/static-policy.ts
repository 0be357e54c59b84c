/**
 * How long browsers may keep each static file, shared by the Node server (static-files.ts) and the Workers `_headers`
 * file (edge/worker/assemble-assets.ts), so both runtimes answer alike.
 */

/** For files whose URL changes whenever their bytes do. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** For stable URLs (pages, widgets.js, ort/, models/): keep, but ask first; a strong ETag makes the answer a 304. */
export const REVALIDATE = 'public, max-age=0, must-revalidate';

/**
 * Folders of the built site whose file names carry a content hash: Astro's (`build.assets` in site/astro.config.ts, its
 * `_astro/` renamed) and the widgets' chunks (site/build.ts). Nothing else may be written there.
 */
export const HASHED_FOLDERS = ['/assets/', '/widgets-chunks/'] as const;

/**
 * `?v=` + the first 16 hex digits of a file's SHA-256: the versioned form of a stable URL, which the service worker
 * (site/src/service-worker.js, which repeats these two values) fetches. It is immutable only while it names the bytes on
 * disk; a stale version gets REVALIDATE, so a cache never keeps old bytes under a new name.
 */
export const VERSION_PARAM = 'v';
export const VERSION_HEX_LENGTH = 16;

/** Encodings the build writes (edge/node/precompress.ts), in the order preferred when a client accepts both. */
export const PRECOMPRESSED_ENCODINGS = [
  { encoding: 'br', extension: '.br' },
  { encoding: 'gzip', extension: '.gz' },
] as const;

/** Where the build keeps the variants, inside the built site: `<site>/_precompressed/<sha256>.br`. */
export const PRECOMPRESSED_FOLDER = '_precompressed';

export function cacheControlFor(pathname: string, versioned: boolean): string {
  return versioned || HASHED_FOLDERS.some((folder) => pathname.startsWith(folder)) ? IMMUTABLE : REVALIDATE;
}

/**
 * Pages that train or run networks in the visitor's tab are cross-origin isolated, so onnxruntime-web may use threads
 * (SharedArrayBuffer needs it). Scripts carry the embedder policy too, because a dedicated worker takes its policy from
 * its own script's response. Everything these pages load is same-origin, so require-corp blocks nothing of theirs.
 */
export const ISOLATED_PAGES = ['/train/', '/learn/'] as const;
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } as const;
const SCRIPT = /\.m?js$/;

export function isolationHeadersFor(pathname: string): Partial<Record<keyof typeof ISOLATION_HEADERS, string>> {
  if (ISOLATED_PAGES.some((page) => pathname === page.slice(0, -1) || pathname.startsWith(page))) return ISOLATION_HEADERS;
  if (SCRIPT.test(pathname)) return { 'Cross-Origin-Embedder-Policy': ISOLATION_HEADERS['Cross-Origin-Embedder-Policy'] };
  return {};
}
