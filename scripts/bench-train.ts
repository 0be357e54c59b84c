/**
 * Training and inference throughput of one engine on one preset:
 *   npm run bench:train -- --preset conv-faces64 [--engine ort|tfjs] [--batch 64] [--seconds 20]
 *                          [--warmup 2] [--threads N] [--device cpu|cuda] [--profile FILE_PREFIX] [--spin] [--json]
 *                          [--replicas N] [--peer pytorch]
 * Each measurement runs whole steps until `--seconds` have passed (at least one). The machine may be
 * shared, so the load average and CPU time are printed next to wall-clock rates. `--peer pytorch` then
 * runs `../shared/peers/pytorch PRESET` (PyTorch's CPU build on the same preset, batch 64, 2 threads) in
 * the same run and prints its rates and ours as ratios of them.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Random } from '#core/random.ts';
import { createEngine, ENGINE_NAMES } from '../train/engine/create.ts';
import type { Device, TrainingEngine } from '../train/engine/engine.ts';
import { summarizeProfile, type ProfileSummary } from '../train/engine/ort-profile.ts';
import { PRESETS, preset } from '../train/model/presets.ts';

interface Rate {
  imagesPerSecond: number;
  /** Images per second of this process's CPU time (user + system), less sensitive to other load. */
  imagesPerCpuSecond: number;
  runs: number;
  seconds: number;
}

function fail(message: string): never {
  console.error(`bench:train: ${message}`);
  process.exit(2);
}

function positiveNumber(value: string | undefined, name: string, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) fail(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`);
  return n;
}

/** Peak resident set: sampled between runs, and the kernel's own high-water mark (which sees inside native calls). */
function rssTracker() {
  let peak = process.memoryUsage().rss;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 50);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return Math.max(peak, process.resourceUsage().maxRSS * 1024) / 2 ** 20;
    },
  };
}

async function measure(run: () => Promise<unknown>, images: number, seconds: number, warmup: number, sample: () => void): Promise<Rate> {
  for (let i = 0; i < warmup; i++) await run();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let runs = 0;
  do {
    await run();
    sample();
    runs++;
  } while (performance.now() - start < seconds * 1000);
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { imagesPerSecond: (runs * images) / elapsed, imagesPerCpuSecond: (runs * images) / ((cpu.user + cpu.system) / 1e6), runs, seconds: elapsed };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string' },
      engine: { type: 'string', default: 'ort' },
      batch: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      threads: { type: 'string' },
      device: { type: 'string', default: 'cpu' },
      profile: { type: 'string' },
      spin: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      peer: { type: 'string' },
      replicas: { type: 'string' },
    },
  });
  if (!values.preset) fail(`--preset is required; known: ${Object.keys(PRESETS).join(', ')}`);
  const spec = (() => {
    try {
      return preset(values.preset);
    } catch (error) {
      return fail((error as Error).message);
    }
  })();
  if (!(ENGINE_NAMES as readonly string[]).includes(values.engine)) fail(`--engine must be one of ${ENGINE_NAMES.join(', ')}, got "${values.engine}"`);
  if (values.device !== 'cpu' && values.device !== 'cuda') fail(`--device must be cpu or cuda, got "${values.device}"`);
  const ortOnly = values.profile !== undefined || values.spin || values.replicas !== undefined;
  if (ortOnly && values.engine !== 'ort') fail('--profile, --spin and --replicas are options of the ort engine');
  const batch = positiveNumber(values.batch, 'batch', 64, true);
  const seconds = positiveNumber(values.seconds, 'seconds', 20);
  const warmup = values.warmup === '0' ? 0 : positiveNumber(values.warmup, 'warmup', 2, true);
  const threads = values.threads === undefined ? undefined : positiveNumber(values.threads, 'threads', 1, true);
  const replicas = positiveNumber(values.replicas, 'replicas', 1, true);
  if (values.profile !== undefined && replicas > 1) fail('--profile needs --replicas 1 (replicas run on worker threads)');
  const log = (line: string) => console.log(line);
  const peerCommand = values.peer === undefined ? undefined : peerPath(values.peer);

  const rss = rssTracker();
  const loadBefore = loadavg()[0];
  const createStart = performance.now();
  const options = { spec, batch, seed: 1, device: values.device as Device, threads };
  const ortEngine = ortOnly ? await (await import('../train/engine/ort.ts')).createOrtEngine({ ...options, profilePrefix: values.profile, spin: values.spin, replicas }) : undefined;
  const engine: TrainingEngine = ortEngine ?? (await createEngine(values.engine, options));
  log(`${spec.name} on ${engine.name} (${engine.device})${replicas > 1 ? `, ${replicas} replicas` : ''}, batch ${batch}: engine ready in ${((performance.now() - createStart) / 1000).toFixed(1)} s`);

  // Four distinct batches of uniform noise: the arithmetic cost does not depend on the pixel values.
  const perBatch = batch * spec.input.reduce((a, b) => a * b, 1);
  const random = Random.fromSeed(7);
  const batches = Array.from({ length: 4 }, () => Float32Array.from({ length: perBatch }, () => random.uniform()));
  let next = 0;
  const batchAfter = () => batches[next++ % batches.length];

  let lastLoss = NaN;
  const train = await measure(async () => (lastLoss = (await engine.step(batchAfter())).loss), batch, seconds, warmup, rss.sample);
  log(`train: ${train.imagesPerSecond.toFixed(1)} img/s (${train.runs} steps in ${train.seconds.toFixed(1)} s, ${train.imagesPerCpuSecond.toFixed(1)} img per CPU-second, last loss ${lastLoss.toFixed(5)})`);
  const profile = await ortEngine?.endProfiling();
  if (profile) printProfile(await summarizeProfile(profile), profile);
  const infer = await measure(() => engine.reconstruct(batchAfter(), batch), batch, seconds, Math.max(1, warmup), rss.sample);
  log(`infer: ${infer.imagesPerSecond.toFixed(1)} img/s (${infer.runs} batches in ${infer.seconds.toFixed(1)} s, ${infer.imagesPerCpuSecond.toFixed(1)} img per CPU-second)`);
  await engine.dispose();
  const peakRssMB = rss.stop();
  const ratio = train.imagesPerSecond / infer.imagesPerSecond;
  log(`train/infer: ${ratio.toFixed(3)}; peak RSS ${peakRssMB.toFixed(0)} MB; 1-min load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
  const peer = peerCommand ? await runPeer(peerCommand, spec.name) : undefined;
  if (peer) {
    log(`peer ${peer.engine}: train ${peer.trainImagesPerSecond} img/s, infer ${peer.inferImagesPerSecond} img/s`);
    log(`ours / peer: train ${(train.imagesPerSecond / peer.trainImagesPerSecond).toFixed(3)}×, infer ${(infer.imagesPerSecond / peer.inferImagesPerSecond).toFixed(3)}×`);
  }
  if (values.json) {
    console.log(
      JSON.stringify({
        ...(peer ? { peer, trainRatioToPeer: round(train.imagesPerSecond / peer.trainImagesPerSecond, 3), inferRatioToPeer: round(infer.imagesPerSecond / peer.inferImagesPerSecond, 3) } : {}),
        preset: spec.name,
        engine: engine.name,
        replicas,
        trainImagesPerSecond: round(train.imagesPerSecond),
        inferImagesPerSecond: round(infer.imagesPerSecond),
        peakRssMB: round(peakRssMB),
        trainImagesPerCpuSecond: round(train.imagesPerCpuSecond),
        inferImagesPerCpuSecond: round(infer.imagesPerCpuSecond),
        trainToInfer: round(ratio, 3),
        batch,
        loadAverage: round(loadBefore),
      }),
    );
  }
}

const PEERS = ['pytorch'];

/** The peer's launcher beside the repository (`../shared/peers/NAME`), or a usage error. */
function peerPath(name: string): string {
  if (!PEERS.includes(name)) fail(`--peer must be one of ${PEERS.join(', ')}, got "${name}"`);
  const path = resolve('..', 'shared', 'peers', name);
  if (!existsSync(path)) fail(`--peer ${name}: ${path} does not exist (run from the repository root, with ../shared beside it)`);
  return path;
}

interface PeerRates {
  engine: string;
  trainImagesPerSecond: number;
  inferImagesPerSecond: number;
}

/** Runs the peer on one preset; it prints one JSON line per preset. */
async function runPeer(command: string, presetName: string): Promise<PeerRates> {
  const { stdout } = await promisify(execFile)(command, [presetName], { maxBuffer: 1 << 20 });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const parsed = JSON.parse(line) as Partial<PeerRates>;
  if (typeof parsed.trainImagesPerSecond !== 'number' || typeof parsed.inferImagesPerSecond !== 'number') throw new Error(`peer printed no rates: ${line}`);
  return { engine: String(parsed.engine), trainImagesPerSecond: parsed.trainImagesPerSecond, inferImagesPerSecond: parsed.inferImagesPerSecond };
}

function printProfile(summary: ProfileSummary, file: string): void {
  const ms = (micros: number) => `${(micros / 1000).toFixed(2)} ms`;
  console.log(`profile ${file}: ${summary.runs} runs, per-node minimum kernel times sum to ${ms(summary.totalMicros)} per step`);
  for (const { op, micros, share } of summary.byOp.slice(0, 10)) console.log(`  ${op.padEnd(16)} ${ms(micros).padStart(11)} ${(share * 100).toFixed(1).padStart(5)}%`);
  console.log('  slowest nodes:');
  for (const node of summary.nodes.slice(0, 12)) console.log(`  ${node.name.padEnd(18)} ${node.op.padEnd(14)} ${ms(node.micros).padStart(11)}  ${node.shapes}`);
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
