import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Context, MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import Negotiator from 'negotiator';
import { PRECOMPRESSED_ENCODINGS, VERSION_PARAM, VERSION_HEX_LENGTH, cacheControlFor, isolationHeadersFor } from './static-policy.ts';

export interface StaticFilesOptions {
  /** Folders searched in order for the request path (after `stripPrefix` is removed from it). */
  roots: string[];
  /** Removed from the request path before the roots are searched, e.g. `/models`. */
  stripPrefix?: string;
  /** Content-addressed variants `<dir>/<sha256>.br` and `.gz` written at build time (edge/node/precompress.ts). */
  precompressedDir?: string;
}

interface Identity {
  size: number;
  mtimeMs: number;
  sha256: Promise<string>;
}

/** One file chosen for a request: where its bytes are, how they are encoded, and the validators of that representation. */
interface Representation {
  file: string;
  size: number;
  encoding?: string;
  etag: string;
  lastModified: Date;
  vary: boolean;
}

type PreferringNegotiator = { encoding(available: readonly string[], options: { preferred: readonly string[] }): string | undefined };

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function statFile(file: string): Promise<Stats | undefined> {
  const stats = await stat(file).catch(() => undefined);
  return stats?.isFile() ? stats : undefined;
}

/** The request path as a relative file path, or undefined for anything that could leave the root. */
function relativePath(requestPath: string, stripPrefix = ''): string | undefined {
  if (!requestPath.startsWith(stripPrefix)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath.slice(stripPrefix.length));
  } catch {
    return undefined;
  }
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) return undefined;
  if (decoded.endsWith('/') || segments.length === 0) segments.push('index.html');
  return segments.join('/');
}

/** RFC 9110 §13.1.2: weak comparison over a list of tags, or `*`. */
function matchesIfNoneMatch(header: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.trim() === '*' || header.split(',').some((tag) => opaque(tag) === etag);
}

function notModified(c: Context, representation: Representation): boolean {
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch !== undefined) return matchesIfNoneMatch(ifNoneMatch, representation.etag);
  const ifModifiedSince = Date.parse(c.req.header('if-modified-since') ?? '');
  // HTTP dates have whole seconds; a file written within the same second as the header counts as unchanged.
  return Number.isFinite(ifModifiedSince) && Math.floor(representation.lastModified.getTime() / 1000) * 1000 <= ifModifiedSince;
}

/**
 * Static files the way a CDN serves them: strong ETags (SHA-256 of the content), Last-Modified, 304 on If-None-Match or
 * If-Modified-Since, the build's brotli or gzip variant chosen by Accept-Encoding (with `Vary`), and the cache lifetime of
 * static-policy.ts. Hand-written over @hono/node-server's serveStatic, which sends no validators and answers no
 * conditional request, sends `Vary` only on compressed answers, ignores q-values, and finds variants only as siblings:
 * variants here are named by content hash, so a model retrained after the build never gets a stale compressed copy.
 */
export function staticFiles(options: StaticFilesOptions): MiddlewareHandler {
  // One entry per file on disk (never per request); a changed size or mtime hashes the file again.
  const identities = new Map<string, Identity>();

  async function identity(file: string, stats: Stats): Promise<string> {
    const known = identities.get(file);
    if (known && known.size === stats.size && known.mtimeMs === stats.mtimeMs) return known.sha256;
    const sha256 = hashFile(file);
    identities.set(file, { size: stats.size, mtimeMs: stats.mtimeMs, sha256 });
    sha256.catch(() => identities.delete(file));
    return sha256;
  }

  async function represent(c: Context, file: string, stats: Stats): Promise<{ representation: Representation; sha256: string }> {
    const sha256 = await identity(file, stats);
    const lastModified = stats.mtime;
    const variants: { encoding: string; file: string; size: number }[] = [];
    if (options.precompressedDir) {
      for (const { encoding, extension } of PRECOMPRESSED_ENCODINGS) {
        const variant = path.join(options.precompressedDir, `${sha256}${extension}`);
        const variantStats = await statFile(variant);
        if (variantStats) variants.push({ encoding, file: variant, size: variantStats.size });
      }
    }
    const vary = variants.length > 0;
    // negotiator 1.x takes `preferred` (Chrome lists gzip before br); @types/negotiator still describes 0.6.
    const negotiator = new Negotiator({ headers: { 'accept-encoding': c.req.header('accept-encoding') } }) as unknown as PreferringNegotiator;
    const chosen = negotiator.encoding([...variants.map((v) => v.encoding), 'identity'], { preferred: PRECOMPRESSED_ENCODINGS.map((e) => e.encoding) });
    const variant = variants.find((v) => v.encoding === chosen);
    const tag = sha256.slice(0, 32);
    const representation = variant
      ? { file: variant.file, size: variant.size, encoding: variant.encoding, etag: `"${tag}-${variant.encoding}"`, lastModified, vary }
      : { file, size: stats.size, etag: `"${tag}"`, lastModified, vary };
    return { representation, sha256 };
  }

  async function find(relative: string): Promise<{ file: string; stats: Stats } | undefined> {
    for (const root of options.roots) {
      const file = path.join(root, relative);
      const stats = await statFile(file);
      if (stats) return { file, stats };
    }
    return undefined;
  }

  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const relative = relativePath(c.req.path, options.stripPrefix);
    if (!relative) return next();
    const found = await find(relative);
    if (!found) {
      // As static hosts do: a folder asked without its slash is sent to the slash, so the page's relative links resolve.
      // The location is rebuilt from the checked segments: `//host` must never become a protocol-relative redirect.
      const isFolder = !c.req.path.endsWith('/') && (await find(`${relative}/index.html`));
      const location = `${options.stripPrefix ?? ''}/${relative.split('/').map(encodeURIComponent).join('/')}/${new URL(c.req.url).search}`;
      return isFolder ? c.redirect(location, 308) : next();
    }
    const { representation, sha256 } = await represent(c, found.file, found.stats);
    const version = c.req.query(VERSION_PARAM);
    const versioned = version !== undefined && version.length === VERSION_HEX_LENGTH && sha256.startsWith(version);
    c.header('Cache-Control', cacheControlFor(c.req.path, versioned));
    for (const [name, value] of Object.entries(isolationHeadersFor(c.req.path))) c.header(name, value);
    c.header('ETag', representation.etag);
    c.header('Last-Modified', representation.lastModified.toUTCString());
    if (representation.vary) c.header('Vary', 'Accept-Encoding', { append: true });
    if (notModified(c, representation)) return c.body(null, 304);
    c.header('Content-Type', getMimeType(relative) ?? 'application/octet-stream');
    c.header('Content-Length', String(representation.size));
    if (representation.encoding) c.header('Content-Encoding', representation.encoding);
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(Readable.toWeb(createReadStream(representation.file)) as ReadableStream, 200);
  };
}
