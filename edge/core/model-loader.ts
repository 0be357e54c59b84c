import { ContractError, parseAttributes, parseManifest, type AttributesFile, type FileEntry, type Manifest } from './manifest.ts';
import { sha256Hex } from './sha256.ts';

/** Reads one file of a model folder by its path relative to that folder (fetch, fs, an ASSETS binding...). */
export type ReadFile = (path: string) => Promise<ArrayBuffer>;

export interface LoadedModel {
  manifest: Manifest;
  attributes: AttributesFile;
  encoder: Uint8Array;
  decoder: Uint8Array;
}

export interface LoadOptions {
  /** Check every file's byte count and sha256 against the manifest (default true). */
  verify?: boolean;
}

async function readVerified(read: ReadFile, name: string, entry: FileEntry, verify: boolean): Promise<Uint8Array> {
  const bytes = new Uint8Array(await read(entry.path));
  if (!verify) return bytes;
  if (bytes.byteLength !== entry.bytes) {
    throw new ContractError(entry.path, [`files.${name}: manifest says ${entry.bytes} bytes, the file has ${bytes.byteLength}`]);
  }
  const digest = await sha256Hex(bytes);
  if (digest !== entry.sha256) {
    throw new ContractError(entry.path, [`files.${name}: sha256 is ${digest}, the manifest says ${entry.sha256}`]);
  }
  return bytes;
}

function parseJson(bytes: Uint8Array, file: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ContractError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
}

/** Loads and validates a model folder: manifest, attributes (checked against the manifest), encoder and decoder bytes. */
export async function loadModel(read: ReadFile, options: LoadOptions = {}): Promise<LoadedModel> {
  const verify = options.verify ?? true;
  const manifest = parseManifest(parseJson(new Uint8Array(await read('manifest.json')), 'manifest.json'));
  const [attributesBytes, encoder, decoder] = await Promise.all([
    readVerified(read, 'attributes', manifest.files.attributes, verify),
    readVerified(read, 'encoder', manifest.files.encoder, verify),
    readVerified(read, 'decoder', manifest.files.decoder, verify),
  ]);
  const attributes = parseAttributes(parseJson(attributesBytes, manifest.files.attributes.path), manifest, manifest.files.attributes.path);
  return { manifest, attributes, encoder, decoder };
}
