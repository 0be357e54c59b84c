import { loadModel, type LoadedModel } from '#core/model-loader.ts';
import { unzipSync } from 'fflate';

/** The zip is unpacked in memory, so its size is checked before anything is decompressed. */
const MAX_ZIP_BYTES = 64 * 1024 * 1024;

/**
 * Reads a zipped model folder through the core loader: the manifest, attributes and both networks checked against the
 * contract. The folder may sit at the zip's root or inside one folder (as Export writes it: `<id>/manifest.json`).
 */
export async function loadZippedModel(zip: Uint8Array): Promise<LoadedModel> {
  if (zip.byteLength > MAX_ZIP_BYTES) throw new Error(`The zip is ${(zip.byteLength / 1024 / 1024).toFixed(1)} MB; a model folder here may be at most 64 MB.`);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (error) {
    throw new Error(`Not a zip file: ${(error as Error).message}`);
  }
  const manifests = Object.keys(entries).filter((name) => name === 'manifest.json' || /^[^/]+\/manifest\.json$/.test(name));
  if (manifests.length !== 1) throw new Error(manifests.length ? 'The zip holds more than one model folder.' : 'The zip has no manifest.json at its root or in one folder.');
  const root = manifests[0].slice(0, -'manifest.json'.length);
  return loadModel(async (path) => {
    const bytes = entries[root + path];
    if (!bytes) throw new Error(`The zip's model folder has no ${path}, which its manifest lists.`);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  });
}
