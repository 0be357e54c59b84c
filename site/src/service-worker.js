/* global self, caches, fetch, URL */
/**
 * The site's service worker: keeps onnxruntime-web (ort/, a 14 MB wasm), the page scripts and styles and the widget
 * chunks in Cache Storage under their content hash, so a second visit fetches none of them. Pages are left to the HTTP
 * cache (revalidated by ETag, so a new build shows at once), and model weights to the pages themselves (model-files.ts
 * keeps them under their sha256). site/build.ts writes dist/sw.js from this file with ASSETS filled in.
 *
 * Hand-written, not Workbox: the whole policy is "cache first by content hash, fetch the rest as usual"; Workbox's
 * precaching would download both onnxruntime flavours (41 MB) at install, and its modules would need a bundling step.
 */

/** Paths relative to this worker's scope → the first 16 hex digits of their SHA-256 (filled in by site/build.ts). */
const ASSETS = {};
const CACHE_NAME = 'latentlab-static-v1';
/** The versioned form of a URL, `?v=<hash>`, which the Node server answers as immutable (edge/node/static-policy.ts). */
const VERSION_PARAM = 'v';

function versionedUrl(relative, version) {
  const url = new URL(relative, self.registration.scope);
  url.searchParams.set(VERSION_PARAM, version);
  return url.href;
}

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // Entries of earlier builds whose bytes changed are dropped; unchanged files keep their entry across builds.
      const wanted = new Set(Object.entries(ASSETS).map(([relative, version]) => versionedUrl(relative, version)));
      const cache = await caches.open(CACHE_NAME);
      for (const request of await cache.keys()) {
        if (!wanted.has(request.url)) await cache.delete(request);
      }
      await self.clients.claim();
    })(),
  );
});

async function cacheFirst(event, url) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(url);
  if (cached) return cached;
  const response = await fetch(url);
  // Stored while the page already reads the body, so the first load is not held back by the cache write.
  if (response.ok) event.waitUntil(cache.put(url, response.clone()));
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const scope = self.registration.scope;
  if (request.method !== 'GET' || !request.url.startsWith(scope)) return;
  const url = new URL(request.url);
  const relative = url.pathname.slice(new URL(scope).pathname.length);
  const version = url.search === '' && Object.hasOwn(ASSETS, relative) ? ASSETS[relative] : undefined;
  if (version) event.respondWith(cacheFirst(event, versionedUrl(relative, version)));
});
