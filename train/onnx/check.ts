import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

const ELEMENT_BYTES: Record<number, number> = {
  [onnx.TensorProto.DataType.FLOAT]: 4,
  [onnx.TensorProto.DataType.FLOAT16]: 2,
  [onnx.TensorProto.DataType.INT64]: 8,
  [onnx.TensorProto.DataType.INT32]: 4,
  [onnx.TensorProto.DataType.BOOL]: 1,
  [onnx.TensorProto.DataType.UINT8]: 1,
  [onnx.TensorProto.DataType.INT8]: 1,
};

/**
 * The structural rules of onnx.checker.check_model (SSA naming, topological order, typed
 * inputs/outputs, well-formed initializers and attributes). No JavaScript package implements
 * the checker and the Python one is out of reach of this toolchain, so the rules are restated here.
 * Operator semantics are left to onnxruntime, which the tests load every graph into.
 */
export function checkModel(bytes: Uint8Array, minOpset = 17): string[] {
  const problems: string[] = [];
  const model = onnx.ModelProto.decode(bytes);
  const irVersion = Number(model.irVersion);
  if (!(irVersion >= 3)) problems.push(`ir_version ${irVersion} is missing or too old`);
  const defaultOpset = (model.opsetImport ?? []).find((o) => !o.domain);
  if (!defaultOpset || Number(defaultOpset.version) < minOpset) problems.push(`default-domain opset must be >= ${minOpset}`);
  const graph = model.graph;
  if (!graph) return [...problems, 'model has no graph'];
  if (!graph.name) problems.push('graph has no name');

  const defined = new Set<string>();
  const define = (name: string | null | undefined, what: string) => {
    if (!name) problems.push(`${what} has an empty name`);
    else if (defined.has(name)) problems.push(`${what} "${name}" redefines a value`);
    else defined.add(name);
  };
  const checkTyped = (v: onnxProto.onnx.IValueInfoProto, what: string) => {
    const tensorType = v.type?.tensorType;
    if (!tensorType || !(tensorType.elemType! in ELEMENT_BYTES)) problems.push(`${what} "${v.name}" has no supported tensor type`);
    else if (!tensorType.shape) problems.push(`${what} "${v.name}" has no shape`);
  };

  for (const input of graph.input ?? []) {
    define(input.name, 'graph input');
    checkTyped(input, 'graph input');
  }
  for (const init of graph.initializer ?? []) {
    define(init.name, 'initializer');
    const size = ELEMENT_BYTES[init.dataType ?? -1];
    if (!size) {
      problems.push(`initializer "${init.name}" has unsupported data type ${init.dataType}`);
      continue;
    }
    const dims = init.dims ?? [];
    const count = dims.reduce<number>((a, d) => a * Number(d), 1);
    if (dims.some((d) => Number(d) < 0)) problems.push(`initializer "${init.name}" has a negative dim`);
    const rawBytes = init.rawData?.length ?? 0;
    const typedCount = (init.floatData?.length ?? 0) + (init.int64Data?.length ?? 0) + (init.int32Data?.length ?? 0);
    if (rawBytes !== count * size && typedCount !== count) {
      problems.push(`initializer "${init.name}" holds ${rawBytes} bytes, dims [${dims}] need ${count * size}`);
    }
  }

  const nodeNames = new Set<string>();
  (graph.node ?? []).forEach((node, index) => {
    const label = `node ${index} (${node.opType} "${node.name}")`;
    if (!node.opType) problems.push(`node ${index} has no op_type`);
    if (node.name) {
      if (nodeNames.has(node.name)) problems.push(`${label}: duplicate node name`);
      nodeNames.add(node.name);
    }
    for (const input of node.input ?? []) {
      if (input !== '' && !defined.has(input)) problems.push(`${label}: input "${input}" is not defined before use`);
    }
    for (const attr of node.attribute ?? []) {
      if (!attr.name) problems.push(`${label}: attribute without a name`);
      if (!attr.type) problems.push(`${label}: attribute "${attr.name}" has no type`);
    }
    for (const output of node.output ?? []) define(output, `${label} output`);
  });

  for (const output of graph.output ?? []) {
    if (!defined.has(output.name ?? '')) problems.push(`graph output "${output.name}" is never produced`);
    checkTyped(output, 'graph output');
  }
  return problems;
}

export function assertValidModel(bytes: Uint8Array, what = 'model'): void {
  const problems = checkModel(bytes);
  if (problems.length) throw new Error(`${what} fails the ONNX checker rules:\n  ${problems.join('\n  ')}`);
}
