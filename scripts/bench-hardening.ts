/**
 * `npm run bench:hardening [-- --duration 60 --connections 64 --model faces]`
 * The Node server under abuse, on loopback only: (1) the largest legal requests one at a time, (2) /v1/health latency
 * while 10 of them run at once, (3) a mixed load (reconstruct, morph GIF, attributes) at `connections` with 4
 * slow-loris clients alongside, sampling the server's RSS. Every loop is bounded in count and time. Prints markdown.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { syntheticPng } from '../edge/testing/images.ts';
import { multipartBody } from '../edge/testing/multipart.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: { duration: { type: 'string', default: '60' }, connections: { type: 'string', default: '64' }, model: { type: 'string', default: 'faces' } },
});
const duration = Math.min(600, Math.max(10, Number(flags.duration)));
const connections = Math.min(256, Math.max(3, Number(flags.connections)));
const model = flags.model;
const base = `/v1/models/${model}`;

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'edge/node/main.ts')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SITE_DIR: join(repo, 'no-site') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve({ child, url: `http://127.0.0.1:${match[1]}` });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
}

const rssMb = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed(url: string, init?: RequestInit): Promise<{ ms: number; status: number }> {
  const start = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { ms: performance.now() - start, status: response.status };
}

/** Probes /v1/health every 100 ms until `stop()`; at most 10 minutes of probes. */
function healthProbe(url: string) {
  const waits: number[] = [];
  let running = true;
  const done = (async () => {
    for (let k = 0; running && k < 6000; k++) {
      waits.push((await timed(`${url}/v1/health`)).ms);
      await sleep(100);
    }
  })();
  return { waits, stop: async () => ((running = false), await done) };
}

/**
 * A slow-loris client: sends a request's headers (or body) one byte a second until the server drops it, then
 * reconnects, until `until`. Returns how often the server cut it off and how it answered.
 */
async function slowLoris(port: number, until: number, sendBody: boolean) {
  const answers: string[] = [];
  const head = sendBody
    ? `POST ${base}/reconstruct?align=none HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n`
    : `GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `;
  for (let attempt = 0; Date.now() < until && attempt < 1000; attempt++) {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      let timer: NodeJS.Timeout | undefined;
      const finish = () => (clearInterval(timer), socket.destroy(), resolve(received.split('\r\n')[0] || '(dropped)'));
      socket.on('connect', () => {
        socket.write(head);
        timer = setInterval(() => (Date.now() >= until ? finish() : socket.write(sendBody ? 'x' : 'X')), 1000);
      });
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', finish);
      socket.on('error', finish);
    });
    answers.push(answer);
  }
  return answers;
}

async function multipart(fields: Record<string, Uint8Array | string>) {
  const { body, contentType } = await multipartBody(fields);
  return { body: Buffer.from(body), headers: { 'content-type': contentType } };
}

async function largestRequests(url: string) {
  const latent = Array.from({ length: 128 }, (_, i) => Math.sin(i));
  const morph = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ a: latent, b: latent.map((v) => -v) }) };
  const cases: [string, string, RequestInit?][] = [
    ['sample n=64 size=256 GIF bilinear', `${url}${base}/sample?n=64&size=256&format=gif&resample=bilinear`],
    ['sample n=64 size=256 PNG', `${url}${base}/sample?n=64&size=256`],
    ['morph frames=32 size=362 GIF bilinear', `${url}${base}/morph?frames=32&size=362&format=gif&resample=bilinear`, morph],
    ['morph frames=32 size=362 PNG', `${url}${base}/morph?frames=32&size=362`, morph],
    ['reconstruct 4000×3000 PNG upload', `${url}${base}/reconstruct?align=none`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: syntheticPng(4, 4000, 3000) as BodyInit }],
  ];
  const rows = [];
  for (const [name, target, init] of cases) {
    const runs = [];
    for (let k = 0; k < 3; k++) runs.push(await timed(target, init));
    rows.push({ name, statuses: [...new Set(runs.map((r) => r.status))].join(','), bestMs: Math.min(...runs.map((r) => r.ms)) });
  }
  return rows;
}

async function healthDuringHeavy(url: string) {
  const probe = healthProbe(url);
  const target = `${url}${base}/sample?n=64&size=256&format=gif&resample=bilinear`;
  const started = performance.now();
  const statuses = await Promise.all(Array.from({ length: 10 }, () => timed(target).then((r) => r.status)));
  const wallMs = performance.now() - started;
  await probe.stop();
  return { statuses, wallMs, p50: percentile(probe.waits, 0.5), p99: percentile(probe.waits, 0.99), max: Math.max(...probe.waits), probes: probe.waits.length };
}

async function mixedLoad(url: string, pid: number) {
  const photoA = syntheticPng(1, 178, 218);
  const photoB = syntheticPng(2, 178, 218);
  const detail = (await (await fetch(`${url}${base}`)).json()) as { attributes: { name: string }[] };
  const strengths = JSON.stringify({ [detail.attributes[0].name]: 1 });
  const scenarios = [
    { name: 'reconstruct', path: `${base}/reconstruct?align=none`, body: Buffer.from(photoA), headers: { 'content-type': 'image/png' } },
    { name: 'morph 8 frames GIF', path: `${base}/morph?frames=8&format=gif&align=none`, ...(await multipart({ a: photoA, b: photoB })) },
    { name: 'attributes', path: `${base}/attributes?align=none`, ...(await multipart({ image: photoA, attributes: strengths })) },
  ];
  const samples: { t: number; rss: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(() => void rssMb(pid).then((rss) => samples.push({ t: (Date.now() - started) / 1000, rss })), 500);
  const port = Number(new URL(url).port);
  const until = Date.now() + duration * 1000;
  const loris = Promise.all([0, 1, 2, 3].map((k) => slowLoris(port, until, k % 2 === 0)));
  const probe = healthProbe(url);
  const shares = scenarios.map((_, k) => Math.floor(connections / 3) + (k < connections % 3 ? 1 : 0));
  const results = await Promise.all(
    scenarios.map((s, k) => autocannon({ url: `${url}${s.path}`, method: 'POST', body: s.body, headers: s.headers, connections: shares[k], duration })),
  );
  clearInterval(sampler);
  await probe.stop();
  const lorisAnswers = (await loris).flat();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const first = mean(samples.filter((s) => s.t <= 10).map((s) => s.rss));
  const last = mean(samples.filter((s) => s.t >= duration - 10).map((s) => s.rss));
  return { scenarios, shares, results, samples, first, last, probe, lorisAnswers };
}

async function main() {
  const loadBefore = loadavg();
  const { child, url } = await startServer();
  const f = (x: number, d = 0) => x.toFixed(d);
  try {
    await fetch(`${url}${base}/sample?n=1`).then((r) => r.arrayBuffer());
    const largest = await largestRequests(url);
    const heavy = await healthDuringHeavy(url);
    const load = await mixedLoad(url, child.pid!);
    console.log(`\nHardening benchmark — model \`${model}\`, ${new Date().toISOString()}; load average before: ${loadBefore.map((x) => x.toFixed(1)).join(', ')}, after: ${loadavg().map((x) => x.toFixed(1)).join(', ')}\n`);
    console.log('| largest legal request (c=1, best of 3) | status | ms |\n| --- | --- | --- |');
    for (const r of largest) console.log(`| ${r.name} | ${r.statuses} | ${f(r.bestMs)} |`);
    console.log(`\n10 × sample n=64 size=256 GIF at once: statuses ${[...new Set(heavy.statuses)].join(',')}, all done in ${f(heavy.wallMs)} ms; /v1/health meanwhile (${heavy.probes} probes): p50 ${f(heavy.p50, 1)} ms, p99 ${f(heavy.p99, 1)} ms, max ${f(heavy.max, 1)} ms\n`);
    console.log(`Mixed load: ${connections} connections × ${duration} s (${load.shares.join(' / ')} per operation) + 4 slow-loris clients\n`);
    console.log('| operation | connections | requests | req/s | p50 ms | p99 ms | non-2xx | errors | timeouts |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    load.results.forEach((r, k) => {
      console.log(`| ${load.scenarios[k].name} | ${load.shares[k]} | ${r.requests.total} | ${f(r.requests.average, 1)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} | ${r.errors} | ${r.timeouts} |`);
    });
    const peak = Math.max(...load.samples.map((s) => s.rss));
    console.log(`\nServer RSS: mean of the first 10 s ${f(load.first)} MB, of the last 10 s ${f(load.last)} MB (growth ${f(100 * (load.last / load.first - 1), 1)} %), peak ${f(peak)} MB`);
    console.log(`/v1/health during the load (${load.probe.waits.length} probes): p50 ${f(percentile(load.probe.waits, 0.5), 1)} ms, p99 ${f(percentile(load.probe.waits, 0.99), 1)} ms`);
    const tally = load.lorisAnswers.reduce<Record<string, number>>((t, a) => ((t[a] = (t[a] ?? 0) + 1), t), {});
    console.log(`Slow-loris connections cut off by the server: ${load.lorisAnswers.length} (${Object.entries(tally).map(([a, n]) => `${n}× ${a}`).join('; ')})`);
    const failed = load.results.some((r) => r.non2xx + r.errors + r.timeouts > 0);
    if (failed) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
  }
}

await main();
