import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFixtureModel, type FixtureModel } from '../../train/testing/fixture-model.ts';
import { parseManifest } from './manifest.ts';
import { ModelRegistry, type ModelSource } from './registry.ts';

/** A source whose folders a test can add, replace and remove, as a trainer does on disk. */
function folders(): ModelSource & { models: Map<string, FixtureModel> } {
  const models = new Map<string, FixtureModel>();
  return {
    models,
    list: async () => [...models.keys()],
    reader: (id) => async (path) => {
      const bytes = models.get(id)?.files.get(path);
      if (!bytes) throw new Error(`no file ${id}/${path}`);
      return bytes.slice().buffer;
    },
  };
}

function renamed(base: FixtureModel, id: string, version = base.manifest.version): FixtureModel {
  const manifest = parseManifest({ ...base.manifest, id, version });
  const files = new Map(base.files);
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  return { ...base, id, manifest, files };
}

let fixture: FixtureModel;
beforeAll(async () => {
  fixture = await createFixtureModel();
});

describe('ModelRegistry.reload', () => {
  it('finds new folders, forgets removed ones, and reloads a model whose manifest changed', async () => {
    const source = folders();
    source.models.set('fixture', fixture);
    const registry = new ModelRegistry(source, ort);
    const first = await registry.get('fixture');
    source.models.set('second', renamed(fixture, 'second'));
    // Until reloaded, the listing is the one read first.
    expect(await registry.list()).toEqual(['fixture']);
    expect(await registry.reload()).toEqual({ added: ['second'], removed: [], changed: [] });
    expect(await registry.list()).toEqual(['fixture', 'second']);
    expect((await registry.get('second'))?.model.manifest.id).toBe('second');
    // An unchanged model keeps its loaded runtime (and sessions).
    expect(await registry.get('fixture')).toBe(first);

    source.models.set('fixture', renamed(fixture, 'fixture', '2.0.0'));
    source.models.delete('second');
    expect(await registry.reload()).toEqual({ added: [], removed: ['second'], changed: ['fixture'] });
    expect((await registry.get('fixture'))?.model.manifest.version).toBe('2.0.0');
    expect(await registry.get('second')).toBeUndefined();
  });
});
