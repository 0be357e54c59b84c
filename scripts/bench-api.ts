/**
 * `npm run bench:api [-- --duration 60 --connections 32 --model faces]`
 * Load-tests the Node server on loopback with autocannon (reconstruct, morph of 8 frames to GIF, attributes),
 * samples the server's RSS, and times the same work in-process (app without HTTP, and the model runs alone)
 * so the HTTP and codec overheads show as ratios. Prints a markdown report.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { createApp } from '../edge/app.ts';
import { decodeImage } from '#core/image/decode.ts';
import { preprocessImage } from '#core/image/preprocess.ts';
import { interpolate } from '#core/latent.ts';
import { ModelRegistry } from '#core/registry.ts';
import type { ModelRuntime } from '#core/runtime.ts';
import { fileModelSource } from '../edge/node/file-source.ts';
import { nodeRuntimeOptions } from '../edge/node/server.ts';
import { createFixtureModel } from '../train/testing/fixture-model.ts';
import { syntheticPng } from '../edge/testing/images.ts';
import { writeFixtureModel } from '../train/testing/write-fixture.ts';
import { multipartBody } from '../edge/testing/multipart.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    'latency-duration': { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    model: { type: 'string', default: 'faces' },
    iterations: { type: 'string', default: '100' },
  },
});
const positive = (name: string, text: string, max: number) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`--${name} must be an integer from 1 to ${max}, got ${text}`);
    process.exit(2);
  }
  return value;
};
const duration = positive('duration', flags.duration, 600);
const latencyDuration = positive('latency-duration', flags['latency-duration'], 120);
const connections = positive('connections', flags.connections, 256);
const iterations = positive('iterations', flags.iterations, 10_000);

interface Scenario {
  name: string;
  path: string;
  body: Uint8Array;
  contentType: string;
  inProcessModelOnly: (runtime: ModelRuntime) => Promise<unknown>;
}


async function scenarios(modelId: string, runtime: ModelRuntime): Promise<Scenario[]> {
  // CelebA's aligned photos are 178×218; uploads of that size exercise the crop and area resize.
  const photoA = syntheticPng(1, 178, 218);
  const photoB = syntheticPng(2, 178, 218);
  const attributeNames = Object.keys(runtime.model.attributes.attributes).slice(0, 2);
  const strengths = JSON.stringify(Object.fromEntries(attributeNames.map((n, k) => [n, k === 0 ? 1 : -0.5])));
  const pixels = (png: Uint8Array) => preprocessImage(decodeImage(png), runtime.model.manifest.input);
  const morph = await multipartBody({ a: photoA, b: photoB });
  const attributes = await multipartBody({ image: photoA, attributes: strengths });
  const base = `/v1/models/${modelId}`;
  // Synthetic uploads hold no face, and alignment has its own benchmark (bench:align): it is off here.
  return [
    {
      name: 'reconstruct',
      path: `${base}/reconstruct?align=none`,
      body: photoA,
      contentType: 'image/png',
      inProcessModelOnly: async (r) => r.decode(await r.encode([pixels(photoA)])),
    },
    {
      name: 'morph 8 frames GIF',
      path: `${base}/morph?frames=8&format=gif&align=none`,
      ...morph,
      inProcessModelOnly: async (r) => {
        const [a, b] = await r.encode([pixels(photoA), pixels(photoB)]);
        return r.decode(interpolate(a, b, 8, 'linear'));
      },
    },
    {
      name: `attributes (${attributeNames.join(', ')})`,
      path: `${base}/attributes?align=none`,
      ...attributes,
      inProcessModelOnly: async (r) => r.decode(await r.encode([pixels(photoA)])),
    },
  ];
}

async function timeIt(task: () => Promise<unknown>, count: number) {
  for (let k = 0; k < 5; k++) await task();
  const times: number[] = [];
  for (let k = 0; k < count; k++) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(count / 2)], p99: times[Math.min(count - 1, Math.floor(count * 0.99))] };
}

function startServer(modelsDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'edge/node/main.ts')], {
    env: { ...process.env, PORT: '0', MODELS_DIR: modelsDir, SITE_DIR: join(modelsDir, 'no-site') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/[\d.]+:(\d+)/.exec(output);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function load(url: string, scenario: Scenario, seconds: number, conns: number, pid: number) {
  const samples: { t: number; rss: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(() => rssKb(pid).then((rss) => samples.push({ t: (Date.now() - started) / 1000, rss }), () => undefined), 500);
  const result = await autocannon({
    url: `${url}${scenario.path}`,
    method: 'POST',
    body: Buffer.from(scenario.body),
    headers: { 'content-type': scenario.contentType },
    connections: conns,
    duration: seconds,
  });
  clearInterval(sampler);
  // Timings of error answers would look like a fast API: a run that got any is no measurement.
  if (result.non2xx > 0) throw new Error(`${scenario.path}: ${result.non2xx} of ${result.requests.total} answers were not 2xx`);
  const window = Math.min(10, seconds / 3);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const first = mean(samples.filter((s) => s.t <= window).map((s) => s.rss));
  const last = mean(samples.filter((s) => s.t >= seconds - window).map((s) => s.rss));
  const answered = result.requests.total > 0;
  return {
    rps: result.requests.average,
    p50: answered ? String(result.latency.p50) : 'n/a',
    p99: answered ? String(result.latency.p99) : 'n/a',
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    status5xx: result['5xx'],
    peakRssMb: Math.max(...samples.map((s) => s.rss)) / 1024,
    rssGrowth: first ? last / first - 1 : 0,
  };
}

async function main() {
  const loadBefore = loadavg();
  let modelsDir = join(repo, 'models');
  let modelId = flags.model;
  let scratch: string | undefined;
  if (!existsSync(join(modelsDir, modelId, 'manifest.json'))) {
    scratch = await mkdtemp(join(tmpdir(), 'bench-api-'));
    const fixture = await createFixtureModel();
    await writeFixtureModel(scratch, fixture);
    console.error(`models/${modelId} not found: benchmarking the 16×16 test fixture instead`);
    modelsDir = scratch;
    modelId = fixture.id;
  }
  const registry = new ModelRegistry(fileModelSource(modelsDir), ort, { runtime: nodeRuntimeOptions() });
  const runtime = (await registry.get(modelId))!;
  const app = createApp({ registry });
  const list = await scenarios(modelId, runtime);

  const inProcess = [];
  for (const s of list) {
    const viaApp = await timeIt(async () => {
      const response = await app.fetch(new Request(`http://bench${s.path}`, { method: 'POST', body: s.body as BodyInit, headers: { 'content-type': s.contentType } }));
      if (response.status !== 200) throw new Error(`${s.name}: in-process status ${response.status}`);
      await response.arrayBuffer();
    }, iterations);
    const modelOnly = await timeIt(() => s.inProcessModelOnly(runtime), iterations);
    inProcess.push({ viaApp, modelOnly });
  }

  const { child, port } = await startServer(modelsDir);
  const url = `http://127.0.0.1:${port}`;
  const rows = [];
  try {
    for (const [k, s] of list.entries()) {
      const latency = await load(url, s, latencyDuration, 1, child.pid!);
      const heavy = await load(url, s, duration, connections, child.pid!);
      rows.push({ s, latency, heavy, ...inProcess[k] });
    }
    const health = await fetch(`${url}/v1/health`);
    if (health.status !== 200) throw new Error('server stopped answering health after the load');
  } finally {
    child.kill('SIGTERM');
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }

  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(`\nAPI benchmark — model \`${modelId}\`, ${runtime.model.manifest.input.width}×${runtime.model.manifest.input.height}, latent ${runtime.dim}; uploads 178×218 PNG`);
  console.log(`load average before the run: ${loadBefore.map((x) => x.toFixed(1)).join(', ')} (2-core machine shared with other jobs); after: ${loadavg().map((x) => x.toFixed(1)).join(', ')}`);
  console.log(`load: ${connections} connections × ${duration} s per operation; latency pass: 1 connection × ${latencyDuration} s; in-process: ${iterations} sequential runs\n`);
  console.log('| operation | req/s (c=' + connections + ') | p50 ms | p99 ms | requests | errors+timeouts | non-2xx | 5xx | server peak RSS MB | RSS growth first→last 10 s | p50 ms (c=1) | requests (c=1) | in-process app p50 ms | model-only p50 ms | server c=1 / in-process app | in-process app / model-only |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.s.name} | ${f(r.heavy.rps)} | ${r.heavy.p50} | ${r.heavy.p99} | ${r.heavy.requests} | ${r.heavy.errors + r.heavy.timeouts} | ${r.heavy.non2xx} | ${r.heavy.status5xx} | ${f(r.heavy.peakRssMb)} | ${f(100 * r.heavy.rssGrowth)}% | ${r.latency.p50} | ${r.latency.requests} | ${f(r.viaApp.p50, 2)} | ${f(r.modelOnly.p50, 2)} | ${f(Number(r.latency.p50) / r.viaApp.p50, 2)} | ${f(r.viaApp.p50 / r.modelOnly.p50, 2)} |`,
    );
  }
  const failed = rows.some((r) => r.heavy.status5xx > 0 || r.heavy.errors > 0 || r.heavy.timeouts > 0);
  if (failed) process.exitCode = 1;
}

await main();
