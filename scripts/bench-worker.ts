/**
 * The Workers runtime against Node, on the same model and upload:
 *   npm run bench:worker -- [--model faces] [--models models] [--fixture] [--cold-runs 3] [--runs 40] [--json]
 * Cold start: a fresh workerd (wrangler's local runtime, offline) per run; after a health check has loaded the script,
 * the first reconstruct pays for instantiating onnxruntime's wasm, fetching and verifying the model assets and creating
 * both sessions. Warm: reconstruct latency once sessions exist, against the same request handled by the Node app
 * in-process (no HTTP) and by the Node server over loopback HTTP, timed in interleaved rounds, as ratios. The machine
 * may be shared: the load average is printed beside the figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createNodeApp, startNodeServer } from '../edge/node/server.ts';
import { createFixtureModel } from '../train/testing/fixture-model.ts';
import { syntheticPng } from '../edge/testing/images.ts';
import { writeFixtureModel } from '../train/testing/write-fixture.ts';
import { assembleWorkerAssets } from '../edge/worker/assemble-assets.ts';
import { startLocalWorker, type LocalWorker } from '../edge/worker/local-worker.ts';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function fail(message: string): never {
  console.error(`bench:worker: ${message}`);
  process.exit(2);
}

function count(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) fail(`--${name} must be an integer from 1 to ${max}, got "${value}"`);
  return n;
}

interface Timing {
  p50: number;
  p90: number;
  min: number;
  runs: number;
}

function summarise(ms: number[]): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p90: at(0.9), min: sorted[0], runs: sorted.length };
}

/**
 * CPU time (user + system) of each workerd process this process started, by pid, from /proc (Linux); undefined
 * elsewhere. Wall time on a shared 2-core machine mostly measures the neighbours; CPU time is what the Worker spent.
 */
function workerdCpuByPid(): Map<number, number> | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const ticksToMs = 10; // USER_HZ is 100 on Linux
  const cpu = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('workerd')) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      cpu.set(Number(pid), (Number(fields[11]) + Number(fields[12])) * ticksToMs);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return cpu;
}

/** CPU of the workerd processes started after `earlier` was taken: a runtime still shutting down is not counted. */
function newWorkerdCpuMs(earlier: ReadonlySet<number>): number | undefined {
  const cpu = workerdCpuByPid();
  if (!cpu) return undefined;
  return [...cpu].filter(([pid]) => !earlier.has(pid)).reduce((sum, [, ms]) => sum + ms, 0);
}

type Send = () => Promise<Response>;

/** Times one request until its whole body has arrived, and checks it succeeded. */
async function timed(send: Send): Promise<number> {
  const start = performance.now();
  const response = await send();
  const body = await response.arrayBuffer();
  const elapsed = performance.now() - start;
  if (response.status !== 200) fail(`reconstruct answered ${response.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
  return elapsed;
}

/**
 * Times the contenders in interleaved rounds (one request each per round), so load from other processes on a shared
 * machine falls on all of them alike and the ratios stay meaningful.
 */
async function interleaved(contenders: Send[], runs: number, warmup = 3): Promise<Timing[]> {
  for (let i = 0; i < warmup; i++) for (const send of contenders) await timed(send);
  const samples = contenders.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) for (const [k, send] of contenders.entries()) samples[k].push(await timed(send));
  return samples.map(summarise);
}

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    models: { type: 'string' },
    fixture: { type: 'boolean', default: false },
    'cold-runs': { type: 'string' },
    runs: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const coldRuns = count(values['cold-runs'], 'cold-runs', 3, 20);
const runs = count(values.runs, 'runs', 40, 1000);

const workDir = await mkdtemp(path.join(tmpdir(), 'latentlab-bench-worker-'));
let worker: LocalWorker | undefined;
try {
  let modelsDir = path.resolve(values.models ?? path.join(repoDir, 'models'));
  let modelId = values.model ?? 'faces';
  if (values.fixture) {
    const fixture = await createFixtureModel();
    modelsDir = path.join(workDir, 'models');
    await writeFixtureModel(modelsDir, fixture);
    modelId = fixture.id;
  } else if (!existsSync(path.join(modelsDir, modelId, 'manifest.json'))) {
    fail(`no model ${modelsDir}/${modelId}/manifest.json; train it first, or pass --fixture for the synthetic test model`);
  }
  const assets = await assembleWorkerAssets({ modelsDir, siteDir: path.join(workDir, 'no-site'), outDir: path.join(workDir, 'assets') });
  if (!assets.models.includes(modelId)) fail(`model ${modelId} did not make it into the Workers assets`);

  // A CelebA-sized upload, so decoding, cropping and resizing do their real share of the work.
  const upload = syntheticPng(17, 178, 218);
  // Synthetic uploads hold no face, and alignment has its own benchmark (bench:align): it is off here.
  const reconstructPath = `/v1/models/${modelId}/reconstruct?align=none`;
  const init = (): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'image/png' }, body: upload as BodyInit });

  const cold: { startupMs: number; firstMs: number; firstCpuMs?: number; secondMs: number }[] = [];
  for (let run = 0; run < coldRuns; run++) {
    await worker?.close();
    const earlier = new Set(workerdCpuByPid()?.keys());
    const started = performance.now();
    worker = await startLocalWorker({ assetsDir: assets.outDir });
    const health = await worker.fetch('/v1/health');
    await health.arrayBuffer();
    if (health.status !== 200) fail(`health answered ${health.status}`);
    const startupMs = performance.now() - started;
    const current = worker;
    const cpuBefore = newWorkerdCpuMs(earlier);
    const firstMs = await timed(() => current.fetch(reconstructPath, init()));
    const cpuAfter = newWorkerdCpuMs(earlier);
    const firstCpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    const secondMs = await timed(() => current.fetch(reconstructPath, init()));
    cold.push({ startupMs, firstMs, firstCpuMs, secondMs });
  }
  const warmWorker = worker!;
  const { app } = createNodeApp({ modelsDir });
  const server = await startNodeServer({ modelsDir, port: 0 });
  const [workerWarm, inProcess, overHttp] = await interleaved(
    [
      () => warmWorker.fetch(reconstructPath, init()),
      async () => app.fetch(new Request(`http://bench.local${reconstructPath}`, init())),
      () => fetch(`http://127.0.0.1:${server.port}${reconstructPath}`, init()),
    ],
    runs,
  );
  await server.close();

  const coldFirst = summarise(cold.map((c) => c.firstMs));
  const cpuSamples = cold.map((c) => c.firstCpuMs).filter((v): v is number => v !== undefined);
  const coldCpu = cpuSamples.length ? summarise(cpuSamples) : undefined;
  const result = {
    model: modelId,
    upload: '178×218 PNG',
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    cold: { runs: cold, firstRequestP50Ms: coldFirst.p50, firstRequestCpuP50Ms: coldCpu?.p50, targetMs: 1000 },
    warm: {
      workerMs: workerWarm,
      nodeInProcessMs: inProcess,
      nodeHttpMs: overHttp,
      ratioToNodeInProcess: workerWarm.p50 / inProcess.p50,
      ratioToNodeHttp: workerWarm.p50 / overHttp.p50,
      targetRatio: 2,
    },
  };
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const line = (name: string, t: Timing) => `  ${name.padEnd(34)} p50 ${ms(t.p50).padStart(10)}  p90 ${ms(t.p90).padStart(10)}  min ${ms(t.min).padStart(10)}  (${t.runs} runs)`;
    console.log(`reconstruct on "${modelId}", ${result.upload}; load average ${result.loadAverage.join(' ')}`);
    console.log('cold start (fresh workerd each run; script loaded by a health check first):');
    cold.forEach((c, i) => {
      const cpu = c.firstCpuMs === undefined ? '' : ` (workerd CPU ${ms(c.firstCpuMs)})`;
      console.log(`  run ${i + 1}: wrangler + workerd up in ${ms(c.startupMs)}; first reconstruct ${ms(c.firstMs)}${cpu}; second ${ms(c.secondMs)}`);
    });
    const cpu = coldCpu ? `, workerd CPU p50 ${ms(coldCpu.p50)}` : '';
    console.log(`  first reconstruct p50 ${ms(coldFirst.p50)}${cpu} (target <= 1000 ms)`);
    console.log('warm reconstruct:');
    console.log(line('Workers (workerd, over HTTP)', workerWarm));
    console.log(line('Node app in-process (no HTTP)', inProcess));
    console.log(line('Node server over loopback HTTP', overHttp));
    console.log(`  Workers / Node in-process: ${result.warm.ratioToNodeInProcess.toFixed(2)}× (target <= 2×)`);
    console.log(`  Workers / Node over HTTP:  ${result.warm.ratioToNodeHttp.toFixed(2)}×`);
  }
} finally {
  await worker?.close();
  await rm(workDir, { recursive: true, force: true });
}
