import {
  ContractError,
  attributesFileSchema,
  describeIssues,
  parseAttributes,
  parseManifest,
  type AttributesFile,
  type Manifest,
} from '#core/manifest.ts';
import { parseReport } from '#core/report.ts';

/**
 * What a model folder holds, checked against the artifact contract before anything is written: the trainer writes it
 * to disk (write.ts), the Train page zips it in the browser, so this file imports only web-standard code.
 */

/** Everything in manifest.json except `files`, which the writer fills from the bytes it writes. */
export type ManifestDraft = Omit<Manifest, 'files'>;

export interface ModelFiles {
  encoder: Uint8Array;
  decoder: Uint8Array;
  attributes: AttributesFile;
  /** Further files by manifest key, e.g. { atlas: { path: 'atlas.png', bytes }, report: { path: 'report.json', bytes } }. */
  extra?: Record<string, { path: string; bytes: Uint8Array | string }>;
}

export const STANDARD_PATHS = { encoder: 'encoder.onnx', decoder: 'decoder.onnx', attributes: 'attributes.json' } as const;

export type FolderContents = Map<string, { path: string; bytes: Uint8Array }>;

/** The folder's files by manifest key, after checking attributes.json (and report.json, when there is one) and every path. */
export function folderContents(draft: ManifestDraft, files: ModelFiles): FolderContents {
  const attributesCheck = attributesFileSchema.safeParse(files.attributes);
  if (!attributesCheck.success) throw new ContractError('attributes.json', describeIssues(attributesCheck.error));
  parseAttributes(files.attributes, draft);
  const report = files.extra?.report;
  if (report) parseReport(JSON.parse(typeof report.bytes === 'string' ? report.bytes : new TextDecoder().decode(report.bytes)), report.path);

  const contents: FolderContents = new Map();
  contents.set('encoder', { path: STANDARD_PATHS.encoder, bytes: files.encoder });
  contents.set('decoder', { path: STANDARD_PATHS.decoder, bytes: files.decoder });
  contents.set('attributes', { path: STANDARD_PATHS.attributes, bytes: new TextEncoder().encode(JSON.stringify(files.attributes)) });
  for (const [key, file] of Object.entries(files.extra ?? {})) {
    if (contents.has(key)) throw new Error(`model file key "${key}" is reserved`);
    if (file.path === 'manifest.json' || [...contents.values()].some((c) => c.path === file.path)) throw new Error(`model file path "${file.path}" is used twice`);
    contents.set(key, { path: file.path, bytes: typeof file.bytes === 'string' ? new TextEncoder().encode(file.bytes) : file.bytes });
  }
  return contents;
}

/** The validated manifest of `contents`, given each file's SHA-256 (hex) by manifest key. */
export function folderManifest(draft: ManifestDraft, contents: FolderContents, sha256: (key: string) => string): Manifest {
  return parseManifest({
    ...draft,
    files: Object.fromEntries([...contents].map(([key, { path, bytes }]) => [key, { path, sha256: sha256(key), bytes: bytes.byteLength }])),
  });
}

export const manifestText = (manifest: Manifest) => `${JSON.stringify(manifest, null, 2)}\n`;
