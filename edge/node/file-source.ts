import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { ModelSource } from '#core/registry.ts';

/** Model folders under `root` (each with a manifest.json), read from the file system. */
export function fileModelSource(root: string): ModelSource {
  const base = resolve(root);
  return {
    async list() {
      const entries = await readdir(base, { withFileTypes: true }).catch(() => []);
      const ids: string[] = [];
      for (const entry of entries) {
        // Hidden folders are the trainer's staging and retired copies (train/artifacts/write-model.ts), never models.
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
        const hasManifest = await stat(join(base, entry.name, 'manifest.json')).then((s) => s.isFile(), () => false);
        if (hasManifest) ids.push(entry.name);
      }
      return ids;
    },
    reader(id) {
      const folder = join(base, id);
      return async (path) => {
        const file = resolve(folder, path);
        if (!file.startsWith(folder + sep)) throw new Error(`model ${id}: path ${path} leaves the model folder`);
        const bytes = await readFile(file);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      };
    },
  };
}
