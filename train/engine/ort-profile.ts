import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface OpTime {
  /** Node name in the graph (after onnxruntime's fusions), or an op type when grouped. */
  name: string;
  op: string;
  /** Input shapes, for telling the nodes of one op type apart. */
  shapes: string;
  /** Microseconds: the minimum over the profiled runs, so time other processes took does not count. */
  micros: number;
}

export interface ProfileSummary {
  runs: number;
  totalMicros: number;
  byOp: { op: string; micros: number; share: number }[];
  nodes: OpTime[];
}

/** The newest profile onnxruntime wrote for `prefix` (it appends a timestamp to the prefix). */
export async function latestProfile(prefix: string): Promise<string | undefined> {
  const directory = dirname(prefix);
  const files = (await readdir(directory)).filter((f) => f.startsWith(basename(prefix)) && f.endsWith('.json')).sort();
  return files.length ? join(directory, files[files.length - 1]) : undefined;
}

interface TraceEvent {
  cat?: string;
  name?: string;
  dur?: number;
  args?: { op_name?: string; input_type_shape?: unknown };
}

/** Per-node kernel times of an onnxruntime profile (Chrome trace JSON), minimum per node over runs. */
export async function summarizeProfile(file: string): Promise<ProfileSummary> {
  const events = JSON.parse(await readFile(file, 'utf8')) as TraceEvent[];
  const nodes = new Map<string, { op: string; shapes: string; durations: number[] }>();
  for (const event of events) {
    if (event.cat !== 'Node' || !event.name?.endsWith('_kernel_time') || event.dur === undefined) continue;
    const name = event.name.slice(0, -'_kernel_time'.length);
    const node = nodes.get(name) ?? { op: event.args?.op_name ?? '?', shapes: JSON.stringify(event.args?.input_type_shape ?? []), durations: [] };
    node.durations.push(event.dur);
    nodes.set(name, node);
  }
  const times: OpTime[] = [...nodes].map(([name, n]) => ({ name, op: n.op, shapes: n.shapes, micros: Math.min(...n.durations) }));
  const totalMicros = times.reduce((sum, t) => sum + t.micros, 0);
  const perOp = new Map<string, number>();
  for (const t of times) perOp.set(t.op, (perOp.get(t.op) ?? 0) + t.micros);
  return {
    runs: Math.max(0, ...[...nodes.values()].map((n) => n.durations.length)),
    totalMicros,
    byOp: [...perOp].map(([op, micros]) => ({ op, micros, share: micros / totalMicros })).sort((a, b) => b.micros - a.micros),
    nodes: times.sort((a, b) => b.micros - a.micros),
  };
}
