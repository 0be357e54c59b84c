import { describe, expect, it } from 'vitest';
import { createFixtureModel, memoryModelSource } from '../../train/testing/fixture-model.ts';
import { loadModel } from './model-loader.ts';

describe('loadModel', () => {
  it('loads a valid folder and refuses one whose file does not match its sha256', async () => {
    const fixture = await createFixtureModel();
    const model = await loadModel(memoryModelSource([fixture]).reader('fixture'));
    expect(model.encoder.byteLength).toBe(fixture.manifest.files.encoder.bytes);
    expect(Object.keys(model.attributes.attributes)).toEqual(['Round', 'Red']);

    const tampered = fixture.files.get('decoder.onnx')!.slice();
    tampered[tampered.length - 1] ^= 1;
    fixture.files.set('decoder.onnx', tampered);
    await expect(loadModel(memoryModelSource([fixture]).reader('fixture'))).rejects.toThrow(/files\.decoder: sha256 is [0-9a-f]{64}, the manifest says/);
    await expect(loadModel(memoryModelSource([fixture]).reader('fixture'), { verify: false })).resolves.toBeTruthy();

    fixture.files.set('manifest.json', new TextEncoder().encode('{"schemaVersion": 1,'));
    await expect(loadModel(memoryModelSource([fixture]).reader('fixture'))).rejects.toThrow(/manifest\.json .*not valid JSON/s);
  });
});
