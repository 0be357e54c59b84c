/**
 * Reading a tfjs graph model (model.json topology + .bin weight shards, the format tf.loadGraphModel reads) from disk,
 * and the tensor layout changes an NHWC TensorFlow graph needs to become an NCHW ONNX graph.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface TfAttr {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  list?: { s?: string[]; i?: string[] };
  shape?: { dim?: { size: string }[] };
}
export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}
interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number };
}

/** A weight's stored values, still in the file's element type: float16 and uint8 stay compact until the graph expands them. */
export interface TfWeight {
  shape: number[];
  values: Float32Array | Int32Array | Uint16Array | Uint8Array;
  /** float16: IEEE half floats; affine: q · scale + min (tfjs's uint8/uint16 quantization). */
  encoding: 'plain' | 'float16' | { scale: number; min: number };
}
export interface TfjsGraphModel {
  nodes: Map<string, TfNode>;
  weights: Map<string, TfWeight>;
  /** `convertedBy` / `generatedBy` of the model.json, for provenance. */
  origin: string;
}

const ELEMENT_BYTES = { float16: 2, uint8: 1, uint16: 2 } as const;

export function readTfjsGraphModel(modelJsonPath: string): TfjsGraphModel {
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as {
    modelTopology: { node: TfNode[] };
    weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
    generatedBy?: string;
    convertedBy?: string;
  };
  const weights = new Map<string, TfWeight>();
  for (const group of json.weightsManifest) {
    const shards = group.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p)));
    const bytes = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
    shards.reduce((offset, s) => (bytes.set(s, offset), offset + s.length), 0);
    let offset = 0;
    for (const entry of group.weights) {
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const q = entry.quantization;
      const size = count * (q ? ELEMENT_BYTES[q.dtype] : 4);
      if (offset + size > bytes.length) throw new Error(`${modelJsonPath}: ${entry.name} runs past the end of the weights`);
      const copy = bytes.slice(offset, offset + size).buffer;
      offset += size;
      weights.set(entry.name, decodeEntry(entry, copy));
    }
    if (offset !== bytes.length) throw new Error(`${modelJsonPath}: ${bytes.length - offset} weight bytes left over`);
  }
  const nodes = new Map(json.modelTopology.node.map((n) => [n.name, n]));
  return { nodes, weights, origin: `${json.generatedBy ?? 'unknown'} via ${json.convertedBy ?? 'unknown'}` };
}

function decodeEntry(entry: WeightEntry, buffer: ArrayBuffer): TfWeight {
  const q = entry.quantization;
  if (!q) return { shape: entry.shape, values: entry.dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer), encoding: 'plain' };
  if (entry.dtype !== 'float32') throw new Error(`${entry.name}: quantized ${entry.dtype} weights are not supported`);
  if (q.dtype === 'float16') return { shape: entry.shape, values: new Uint16Array(buffer), encoding: 'float16' };
  if (q.scale === undefined || q.min === undefined) throw new Error(`${entry.name}: ${q.dtype} quantization without scale and min`);
  return { shape: entry.shape, values: q.dtype === 'uint8' ? new Uint8Array(buffer) : new Uint16Array(buffer), encoding: { scale: q.scale, min: q.min } };
}

/** Reorders the axes of a row-major tensor (out axis k = in axis perm[k]), element type preserved. */
export function permute<T extends TfWeight['values']>(values: T, shape: number[], perm: number[]): T {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const out = new (values.constructor as new (n: number) => T)(values.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    let source = 0;
    for (let k = 0; k < perm.length; k++) source += index[k] * inStrides[perm[k]];
    out[i] = values[source];
    for (let k = perm.length - 1; k >= 0 && ++index[k] === outShape[k]; k--) index[k] = 0;
  }
  return out;
}

export const attrString = (node: TfNode, key: string): string | undefined => {
  const s = node.attr?.[key]?.s;
  return s === undefined ? undefined : atob(s);
};
export const attrInts = (node: TfNode, key: string): number[] => (node.attr?.[key]?.list?.i ?? []).map(Number);
export const attrStrings = (node: TfNode, key: string): string[] => (node.attr?.[key]?.list?.s ?? []).map((s) => atob(s));
