import { describe, expect, it } from 'vitest';
import { selectTfjs, type Importer } from './backend.ts';

/** Stands in for a tfjs module: records which backend was asked for. */
function fakeTfjs(id: string, chosen: string[]) {
  return {
    id,
    setBackend: async (name: string) => {
      chosen.push(`${id}:${name}`);
      return true;
    },
    ready: async () => undefined,
  };
}

function importer(available: Record<string, unknown>, tried: string[]): Importer {
  return async (specifier) => {
    tried.push(specifier);
    if (!(specifier in available)) throw new Error(`Cannot find package '${specifier}'\nstack...`);
    return available[specifier];
  };
}

describe('selectTfjs', () => {
  it('prefers tfjs-node-gpu, then tfjs-node, then the pure package on its cpu backend', async () => {
    const chosen: string[] = [];
    const tried: string[] = [];
    const all = {
      '@tensorflow/tfjs-node-gpu': fakeTfjs('gpu', chosen),
      '@tensorflow/tfjs-node': fakeTfjs('node', chosen),
      '@tensorflow/tfjs': fakeTfjs('pure', chosen),
    };
    expect((await selectTfjs(importer(all, tried))).backend).toBe('tfjs-node-gpu');

    const { ['@tensorflow/tfjs-node-gpu']: _gpu, ...withoutGpu } = all;
    const node = await selectTfjs(importer(withoutGpu, tried));
    expect(node.backend).toBe('tfjs-node');
    expect(node.skipped).toEqual(["@tensorflow/tfjs-node-gpu: Cannot find package '@tensorflow/tfjs-node-gpu'"]);

    const pure = await selectTfjs(importer({ '@tensorflow/tfjs': all['@tensorflow/tfjs'] }, tried));
    expect(pure.backend).toBe('cpu');
    expect(pure.skipped).toHaveLength(2);
    expect(chosen).toEqual(['gpu:tensorflow', 'node:tensorflow', 'pure:cpu']);
  });

  it('falls back when a native build imports but its backend cannot start', async () => {
    const chosen: string[] = [];
    const broken = { ...fakeTfjs('node', chosen), setBackend: async () => false };
    const loaded = await selectTfjs(importer({ '@tensorflow/tfjs-node': broken, '@tensorflow/tfjs': { default: fakeTfjs('pure', chosen) } }, []));
    expect(loaded.backend).toBe('cpu');
    expect(loaded.skipped[1]).toContain('tensorflow backend failed to initialise');
  });

  it("skips the GPU build for 'cpu' and names the install step when 'cuda' cannot load", async () => {
    const chosen: string[] = [];
    const tried: string[] = [];
    const all = { '@tensorflow/tfjs-node-gpu': fakeTfjs('gpu', chosen), '@tensorflow/tfjs': fakeTfjs('pure', chosen) };
    expect((await selectTfjs(importer(all, tried), 'cpu')).backend).toBe('cpu');
    expect(tried).not.toContain('@tensorflow/tfjs-node-gpu');
    await expect(selectTfjs(importer({ '@tensorflow/tfjs': all['@tensorflow/tfjs'] }, []), 'cuda')).rejects.toThrow(/npm install @tensorflow\/tfjs-node-gpu/);
  });
});
