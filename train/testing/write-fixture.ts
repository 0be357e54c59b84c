import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureModel } from './fixture-model.ts';

/** Writes a fixture model as a folder `<root>/<id>/`, like a shipped model under models/. */
export async function writeFixtureModel(root: string, model: FixtureModel): Promise<string> {
  const dir = join(root, model.id);
  await mkdir(dir, { recursive: true });
  for (const [path, bytes] of model.files) await writeFile(join(dir, path), bytes);
  return dir;
}
