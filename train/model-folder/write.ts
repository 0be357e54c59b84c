import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  ContractError,
  attributesFileSchema,
  describeIssues,
  parseAttributes,
  parseManifest,
  type AttributesFile,
  type FileEntry,
  type Manifest,
} from '#core/manifest.ts';
import { parseReport } from '#core/report.ts';

/** Everything in manifest.json except `files`, which the writer fills from the bytes it writes. */
export type ManifestDraft = Omit<Manifest, 'files'>;

export interface ModelFiles {
  encoder: Uint8Array;
  decoder: Uint8Array;
  attributes: AttributesFile;
  /** Further files by manifest key, e.g. { atlas: { path: 'atlas.png', bytes }, report: { path: 'report.json', bytes } }. */
  extra?: Record<string, { path: string; bytes: Uint8Array | string }>;
}

const STANDARD_PATHS = { encoder: 'encoder.onnx', decoder: 'decoder.onnx', attributes: 'attributes.json' } as const;

const entry = (path: string, bytes: Uint8Array): FileEntry => ({
  path,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  bytes: bytes.byteLength,
});

/**
 * Writes models/<id>/ as a whole or not at all: every file goes into a temporary folder beside the target,
 * the manifest is validated against the shared schema, and only then the folder is swapped in by rename.
 * A failure at any point leaves the previous model folder exactly as it was and removes the temporary one.
 */
export function writeModelDir(targetDir: string, draft: ManifestDraft, files: ModelFiles): Manifest {
  const target = resolve(targetDir);
  const attributesCheck = attributesFileSchema.safeParse(files.attributes);
  if (!attributesCheck.success) throw new ContractError('attributes.json', describeIssues(attributesCheck.error));
  parseAttributes(files.attributes, draft);
  const report = files.extra?.report;
  if (report) parseReport(JSON.parse(typeof report.bytes === 'string' ? report.bytes : new TextDecoder().decode(report.bytes)), report.path);

  const contents = new Map<string, { path: string; bytes: Uint8Array }>();
  contents.set('encoder', { path: STANDARD_PATHS.encoder, bytes: files.encoder });
  contents.set('decoder', { path: STANDARD_PATHS.decoder, bytes: files.decoder });
  contents.set('attributes', { path: STANDARD_PATHS.attributes, bytes: new TextEncoder().encode(JSON.stringify(files.attributes)) });
  for (const [key, file] of Object.entries(files.extra ?? {})) {
    if (contents.has(key)) throw new Error(`model file key "${key}" is reserved`);
    if (file.path === 'manifest.json' || [...contents.values()].some((c) => c.path === file.path)) throw new Error(`model file path "${file.path}" is used twice`);
    contents.set(key, { path: file.path, bytes: typeof file.bytes === 'string' ? new TextEncoder().encode(file.bytes) : file.bytes });
  }
  const manifest = parseManifest({
    ...draft,
    files: Object.fromEntries([...contents].map(([key, { path, bytes }]) => [key, entry(path, bytes)])),
  });

  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  const staging = join(parent, `.${basename(target)}.writing-${tag}`);
  const retired = join(parent, `.${basename(target)}.old-${tag}`);
  mkdirSync(staging);
  try {
    for (const { path, bytes } of contents.values()) {
      mkdirSync(dirname(join(staging, path)), { recursive: true });
      writeFileSync(join(staging, path), bytes);
    }
    // The manifest goes last: a folder with a manifest is a complete folder.
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // rename() cannot replace a non-empty folder, so the old one steps aside first and comes back on failure.
    const hadOld = existsSync(target);
    if (hadOld) renameSync(target, retired);
    try {
      renameSync(staging, target);
    } catch (error) {
      if (hadOld) renameSync(retired, target);
      throw error;
    }
    if (hadOld) rmSync(retired, { recursive: true, force: true });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return manifest;
}

const STANDARD_KEYS = Object.keys(STANDARD_PATHS);

/**
 * Rewrites a model folder that already exists: the files in `replaced` (by manifest key; a key the manifest lacks
 * needs its `path`) and the manifest fields in `draft`, every other file as it is on disk. It goes through
 * writeModelDir, so sha256 and byte counts follow and the folder is swapped whole; the manifest keeps its key order.
 */
export function rewriteModelDir(dir: string, manifest: Manifest, changes: { draft?: ManifestDraft; replaced?: Record<string, { path?: string; bytes: Uint8Array | string }> }): Manifest {
  const { files, ...current } = manifest;
  const replaced = changes.replaced ?? {};
  const entries = { ...files, ...Object.fromEntries(Object.entries(replaced).filter(([key]) => !files[key]).map(([key, r]) => [key, { path: r.path! }])) };
  const bytesOf = (key: string): Uint8Array | string => replaced[key]?.bytes ?? new Uint8Array(readFileSync(join(dir, entries[key].path)));
  const asBytes = (value: Uint8Array | string) => (typeof value === 'string' ? new TextEncoder().encode(value) : value);
  const attributes = JSON.parse(new TextDecoder().decode(asBytes(bytesOf('attributes')))) as AttributesFile;
  const extra = Object.fromEntries(
    Object.entries(entries)
      .filter(([key]) => !STANDARD_KEYS.includes(key))
      .map(([key, file]) => [key, { path: replaced[key]?.path ?? file.path, bytes: bytesOf(key) }]),
  );
  return writeModelDir(dir, changes.draft ?? current, { encoder: asBytes(bytesOf('encoder')), decoder: asBytes(bytesOf('decoder')), attributes, extra });
}
