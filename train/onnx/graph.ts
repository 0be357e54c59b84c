import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type DType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8' | 'int8';
export type Dim = number | string;
export type TensorData = Float32Array | Uint16Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;

export const OPSET = 17;
// IR 8 is the newest version that the onnx-proto schema names and every onnxruntime >= 1.10 loads.
export const IR_VERSION = 8;

const DATA_TYPES: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
  uint8: onnx.TensorProto.DataType.UINT8,
  int8: onnx.TensorProto.DataType.INT8,
};

/** A float attribute; plain numbers are integer attributes, so a float must say so. */
export interface FloatAttr {
  float: number;
}
export interface FloatsAttr {
  floats: number[];
}
export interface TensorAttr {
  tensor: { dtype: DType; dims: number[]; data: TensorData };
}
export type Attr = number | number[] | string | FloatAttr | FloatsAttr | TensorAttr;

export const float = (value: number): FloatAttr => ({ float: value });
export const floats = (values: number[]): FloatsAttr => ({ floats: values });

export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Dim[];
}

export interface Initializer {
  name: string;
  dtype: DType;
  dims: number[];
  data: TensorData;
}

export interface NodeSpec {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

/** Builds one ONNX graph in topological order: every value is defined once, before it is used. */
export class GraphBuilder {
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly initializers: Initializer[] = [];
  readonly nodes: NodeSpec[] = [];
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(readonly name: string) {}

  /** A name not yet used in this graph, derived from `prefix`. */
  fresh(prefix: string): string {
    const candidate = this.unusedName(prefix);
    this.used.add(candidate);
    return candidate;
  }

  /** Like fresh(), without reserving the name: for callers that claim it themselves (initializers). */
  private unusedName(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let candidate = n === 0 ? prefix : `${prefix}_${n}`;
    while (this.used.has(candidate)) candidate = `${prefix}_${++n}`;
    this.counters.set(prefix, n + 1);
    return candidate;
  }

  private claim(name: string): string {
    if (!name) throw new Error(`graph ${this.name}: empty value name`);
    if (this.used.has(name)) throw new Error(`graph ${this.name}: value name "${name}" is already defined`);
    this.used.add(name);
    return name;
  }

  input(name: string, dtype: DType, shape: Dim[]): string {
    this.inputs.push({ name: this.claim(name), dtype, shape });
    return name;
  }

  /** Marks an existing value as a graph output. */
  output(name: string, dtype: DType, shape: Dim[]): string {
    if (!this.used.has(name)) throw new Error(`graph ${this.name}: output "${name}" is never produced`);
    this.outputs.push({ name, dtype, shape });
    return name;
  }

  initializer(name: string, dtype: DType, dims: number[], data: TensorData): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new Error(`graph ${this.name}: initializer "${name}" has ${data.length} values, dims [${dims}] need ${count}`);
    }
    this.initializers.push({ name: this.claim(name), dtype, dims, data });
    return name;
  }

  /** An int64 constant, the type ONNX wants for shapes, axes and pads. */
  ints(values: number[], prefix = 'const'): string {
    return this.initializer(this.unusedName(prefix), 'int64', [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** A float32 scalar constant. */
  scalar(value: number, prefix = 'scalar'): string {
    return this.initializer(this.unusedName(prefix), 'float32', [], Float32Array.of(value));
  }

  /** A 1-D float32 constant (e.g. Resize scales). */
  floats(values: number[], prefix = 'const'): string {
    return this.initializer(this.unusedName(prefix), 'float32', [values.length], Float32Array.from(values));
  }

  /** Adds a node; returns the names of its outputs. */
  node(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, outputCount = 1, outputNames?: string[]): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.used.has(input)) {
        throw new Error(`graph ${this.name}: ${opType} uses "${input}" before it is defined`);
      }
    }
    const name = this.fresh(`${opType}`);
    for (const [key, value] of Object.entries(attrs)) attributeProto(key, value, name);
    const outputs = outputNames
      ? outputNames.map((n) => this.claim(n))
      : Array.from({ length: outputCount }, (_, i) => this.fresh(`${name}_out${i === 0 ? '' : i}`));
    this.nodes.push({ opType, name, inputs, outputs, attrs });
    return outputs;
  }

  /** Adds a node with one output and returns that output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, outputName?: string): string {
    return this.node(opType, inputs, attrs, 1, outputName ? [outputName] : undefined)[0];
  }

  /** Gives an existing value a chosen name (for graph outputs), via Identity. */
  rename(value: string, name: string): string {
    return this.op('Identity', [value], {}, name);
  }

  toProto(producer = 'latentlab'): InstanceType<typeof onnx.ModelProto> {
    return onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: producer,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: this.name,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
        initializer: this.initializers.map(tensorProto),
        node: this.nodes.map((n) => ({
          opType: n.opType,
          name: n.name,
          input: n.inputs,
          output: n.outputs,
          attribute: Object.entries(n.attrs).map(([key, value]) => attributeProto(key, value, n.name)),
        })),
      },
    });
  }

  serialize(producer?: string): Uint8Array {
    return onnx.ModelProto.encode(this.toProto(producer)).finish();
  }
}

function valueInfo(v: ValueInfo) {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: DATA_TYPES[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function tensorProto(t: { name?: string; dtype: DType; dims: number[]; data: TensorData }) {
  return {
    name: t.name,
    dataType: DATA_TYPES[t.dtype],
    dims: t.dims,
    rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
  };
}

function attributeProto(name: string, value: Attr, nodeName: string) {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`${nodeName}: attribute ${name}=${value} is not an integer; wrap floats with float()`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) {
    if (!value.every(Number.isInteger)) throw new Error(`${nodeName}: attribute ${name} has non-integers; wrap with floats()`);
    return { name, type: AttributeType.INTS, ints: value };
  }
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  return { name, type: AttributeType.TENSOR, t: tensorProto(value.tensor) };
}
