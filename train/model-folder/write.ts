import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { AttributesFile, Manifest } from '#core/manifest.ts';
import { folderContents, folderManifest, manifestText, STANDARD_PATHS, type ManifestDraft, type ModelFiles } from './contents.ts';

export type { ManifestDraft, ModelFiles } from './contents.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes models/<id>/ as a whole or not at all: every file goes into a temporary folder beside the target,
 * the manifest is validated against the shared schema, and only then the folder is swapped in by rename.
 * A failure at any point leaves the previous model folder exactly as it was and removes the temporary one.
 */
export function writeModelDir(targetDir: string, draft: ManifestDraft, files: ModelFiles): Manifest {
  const target = resolve(targetDir);
  const contents = folderContents(draft, files);
  const manifest = folderManifest(draft, contents, (key) => sha256(contents.get(key)!.bytes));

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
    writeFileSync(join(staging, 'manifest.json'), manifestText(manifest));
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
