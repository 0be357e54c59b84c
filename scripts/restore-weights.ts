/**
 * Stores a shipped model folder's weights another way (float32, float16 or int8: train/graphs/inference.ts) without
 * retraining. The weights are read back out of the folder's own encoder.onnx and decoder.onnx, the graphs are built
 * again by the trainer's exporter, and both versions are measured on the config's validation split before anything is
 * written. The folder is rewritten through the trainer's writer (rewriteModelDir), so the manifest's sha256 and byte
 * counts follow the new files; report.json and report.html get the new "shipped ONNX" figures and file sizes; every
 * other file comes back byte for byte.
 *
 *   npx tsx scripts/restore-weights.ts --model models/faces --config train/configs/faces.json --weights int8 [--dry-run]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getFloat16 } from '@petamoriken/float16';
import onnxProto from 'onnx-proto';
import { parseManifest } from '#core/manifest.ts';
import type { Report } from '#core/report.ts';
import { loadConfig } from '../train/cli/config.ts';
import { loadTrainingData } from '../train/cli/data.ts';
import { buildDecoderGraph, buildEncoderGraph, type WeightStorage } from '../train/graphs/inference.ts';
import { rewriteModelDir } from '../train/model-folder/write.ts';
import { inferShapes } from '../train/model/shapes.ts';
import { reconstructionMetrics } from '../train/pca/metrics.ts';
import { OnnxCodec } from '../train/report/codec.ts';

const { onnx } = onnxProto;
const STORAGES: WeightStorage[] = ['float32', 'float16', 'int8'];

/** The parameters `names` of an exported graph as float32, whichever way the file stores each (plain, .float16, .int8). */
export function readWeights(bytes: Uint8Array, names: string[]): Map<string, Float32Array> {
  const { DataType } = onnx.TensorProto;
  // A copy of each tensor: protobufjs hands out views into a shared Node Buffer, whose .buffer is not the tensor alone.
  const tensors = new Map((onnx.ModelProto.decode(bytes).graph?.initializer ?? []).map((t) => [t.name!, { type: t.dataType!, raw: new Uint8Array(t.rawData!) }]));
  const params = new Map<string, Float32Array>();
  for (const name of names) {
    const [plain, half, quantized, scale] = ['', '.float16', '.int8', '.scale'].map((suffix) => tensors.get(name + suffix));
    if (plain?.type === DataType.FLOAT) params.set(name, new Float32Array(plain.raw.buffer));
    else if (half?.type === DataType.FLOAT16) {
      const view = new DataView(half.raw.buffer);
      params.set(name, Float32Array.from({ length: half.raw.byteLength / 2 }, (_, i) => getFloat16(view, 2 * i, true)));
    } else if (quantized?.type === DataType.INT8 && scale) {
      const scales = new Float32Array(scale.raw.buffer);
      const perRow = quantized.raw.byteLength / scales.length;
      params.set(name, Float32Array.from(new Int8Array(quantized.raw.buffer), (q, i) => q * scales[Math.floor(i / perRow)]));
    }
  }
  return params;
}

function options() {
  const { values } = parseArgs({ options: { model: { type: 'string' }, config: { type: 'string' }, weights: { type: 'string' }, cache: { type: 'string', default: '.cache/datasets' }, 'dry-run': { type: 'boolean', default: false } } });
  if (!values.model || !values.config || !values.weights) throw new Error('usage: npx tsx scripts/restore-weights.ts --model models/NAME --config train/configs/NAME.json --weights float32|float16|int8 [--dry-run]');
  if (!STORAGES.includes(values.weights as WeightStorage)) throw new Error(`--weights must be one of ${STORAGES.join(', ')}, got "${values.weights}"`);
  return { ...values, model: values.model, config: values.config, weights: values.weights as WeightStorage };
}

async function main(): Promise<void> {
  const opts = options();
  const dir = resolve(opts.model);
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  const config = loadConfig(opts.config);
  if (config.id !== manifest.id || !config.model) throw new Error(`${opts.config} does not train the autoencoder "${manifest.id}"`);
  const read = (key: string) => new Uint8Array(readFileSync(join(dir, manifest.files[key].path)));
  const names = inferShapes(config.model).params.map((p) => p.name);
  const params = new Map([...readWeights(read('encoder'), names), ...readWeights(read('decoder'), names)]);
  const missing = names.filter((name) => !params.has(name));
  if (missing.length) throw new Error(`${opts.model}'s ONNX files lack ${missing.length} parameters, e.g. ${missing[0]}`);
  const encoder = buildEncoderGraph(config.model, params, { weights: opts.weights });
  const decoder = buildDecoderGraph(config.model, params, { weights: opts.weights });

  const { validation } = (await loadTrainingData(config, resolve(opts.cache))).split;
  const measure = async (enc: Uint8Array, dec: Uint8Array) => {
    const codec = await OnnxCodec.open(enc, dec, validation.shape, manifest.latent.dim);
    const figures = reconstructionMetrics(validation.images, await codec.reconstruct(validation.images, validation.count), validation.count);
    await codec.close();
    return figures;
  };
  const before = await measure(read('encoder'), read('decoder'));
  const after = await measure(encoder, decoder);
  const mb = (a: Uint8Array, b: Uint8Array) => ((a.byteLength + b.byteLength) / 1e6).toFixed(2);
  console.log(`${manifest.id}: validation MSE ${before.mse.toPrecision(5)} (${mb(read('encoder'), read('decoder'))} MB) -> ${after.mse.toPrecision(5)} with ${opts.weights} weights (${mb(encoder, decoder)} MB): ${(100 * (after.mse / before.mse - 1)).toFixed(2)} %`);
  if (opts['dry-run']) return;

  // Edited as read and checked afterwards, so report.json keeps its key order and its diff shows only what changed.
  const report = JSON.parse(readFileSync(join(dir, manifest.files.report.path), 'utf8')) as Report;
  report.validation.exported = { mse: after.mse, psnr: after.psnr, float16: opts.weights === 'float16', weights: opts.weights };
  report.files = { ...report.files, 'encoder.onnx': encoder.byteLength, 'decoder.onnx': decoder.byteLength };
  const html = readFileSync(join(dir, manifest.files.reportHtml.path), 'utf8');
  const row = /<tr><td>shipped ONNX[^<]*<\/td><td>[^<]*<\/td><td>[^<]*<\/td><\/tr>/;
  if (!row.test(html)) throw new Error('report.html has no "shipped ONNX" row to update');
  const storage = opts.weights === 'float32' ? '' : ` (${opts.weights} weights)`;
  const newHtml = html.replace(row, `<tr><td>shipped ONNX${storage}</td><td>${after.mse.toFixed(6)}</td><td>${after.psnr.toFixed(2)}</td></tr>`);

  const { files: _files, ...draft } = manifest;
  const metrics = { ...draft.metrics, exportedValidationMse: Number(after.mse.toPrecision(6)), float16: opts.weights === 'float16', weights: opts.weights };
  rewriteModelDir(dir, manifest, {
    draft: { ...draft, metrics },
    replaced: { encoder: { bytes: encoder }, decoder: { bytes: decoder }, report: { bytes: `${JSON.stringify(report, null, 2)}\n` }, reportHtml: { bytes: newHtml } },
  });
  console.log(`wrote ${opts.model}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
