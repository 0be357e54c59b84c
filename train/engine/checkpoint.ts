import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { EngineState } from './engine.ts';

/**
 * A checkpoint file: 8-byte magic, uint32 header length, JSON header, zero padding to a 4-byte boundary,
 * then every tensor's float32 values back to back in the header's order. Raw floats keep the resume
 * bit-exact and the file compact (JSON numbers would be neither).
 */
const MAGIC = 'LLCKPT01';
const GROUPS = ['params', 'm', 'v'] as const;
type Group = (typeof GROUPS)[number];

export interface Checkpoint {
  engine: EngineState;
  /** The data order's state (e.g. BatchOrder.state), so the same batches follow after a resume. */
  data?: unknown;
  /** Free-form JSON for the caller (model name, config hash, epoch, …). */
  meta?: Record<string, unknown>;
}

const headerSchema = z.object({
  step: z.number().int().nonnegative(),
  rng: z.array(z.number().int().nonnegative()).length(4),
  data: z.unknown().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  tensors: z.array(z.object({ group: z.enum(GROUPS), name: z.string().min(1), length: z.number().int().nonnegative() })),
});

function requireLittleEndian(): void {
  // Tensors are stored as the machine's float32 bytes; every supported platform is little-endian.
  if (endianness() !== 'LE') throw new Error('checkpoints need a little-endian machine');
}

/** Writes to a temporary file beside `path`, syncs it, then renames it over `path`: a crash leaves the old file or the new one. */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  requireLittleEndian();
  const { engine } = checkpoint;
  const groups: Record<Group, Map<string, Float32Array>> = { params: engine.params, m: engine.moments.m, v: engine.moments.v };
  const tensors = GROUPS.flatMap((group) => [...groups[group]].map(([name, values]) => ({ group, name, values })));
  const header = headerSchema.parse({
    step: engine.step,
    rng: engine.rng,
    data: checkpoint.data,
    meta: checkpoint.meta,
    tensors: tensors.map(({ group, name, values }) => ({ group, name, length: values.length })),
  });
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(MAGIC.length + 4 + headerBytes.length + ((4 - ((MAGIC.length + 4 + headerBytes.length) % 4)) % 4));
  prefix.set(new TextEncoder().encode(MAGIC));
  new DataView(prefix.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  prefix.set(headerBytes, MAGIC.length + 4);

  const temporary = `${path}.${randomUUID()}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writev([prefix, ...tensors.map(({ values }) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength))]);
    await file.sync();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

async function syncDirectory(directory: string): Promise<void> {
  // Makes the rename durable; some file systems refuse fsync on directories, which costs durability only.
  const handle = await open(directory, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  requireLittleEndian();
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`checkpoint ${path} is not a file`);
  const bytes = await readFile(path);
  const fail = (why: string): never => {
    throw new Error(`checkpoint ${path}: ${why}`);
  };
  if (bytes.length < MAGIC.length + 4 || bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) fail('not a latentlab checkpoint (bad magic)');
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > bytes.length) fail('truncated header');
  let json: unknown;
  try {
    json = JSON.parse(bytes.subarray(MAGIC.length + 4, headerEnd).toString('utf8'));
  } catch {
    fail('header is not JSON');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) fail(`bad header: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const header = parsed.data!;

  let offset = headerEnd + ((4 - (headerEnd % 4)) % 4);
  const expected = offset + header.tensors.reduce((sum, t) => sum + t.length * 4, 0);
  if (expected !== bytes.length) fail(`holds ${bytes.length} bytes, its header describes ${expected}`);
  const groups: Record<Group, Map<string, Float32Array>> = { params: new Map(), m: new Map(), v: new Map() };
  for (const { group, name, length } of header.tensors) {
    if (groups[group].has(name)) fail(`tensor ${group}/${name} appears twice`);
    const values = new Float32Array(length);
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + length * 4));
    offset += length * 4;
    groups[group].set(name, values);
  }
  return {
    engine: { step: header.step, rng: header.rng, params: groups.params, moments: { m: groups.m, v: groups.v } },
    data: header.data,
    meta: header.meta,
  };
}
