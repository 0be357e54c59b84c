/**
 * `npm run bench:photo [-- --iterations 30 --large-iterations 6]`
 * Photo edits as a user sends them (issue 10): a JPEG photo with a face, POST /v1/models/faces/attributes with the
 * defaults (detail=keep, output=photo: the whole photo back as JPEG), p50/p99 over HTTP on the Node server and
 * in-process (the app without HTTP), for a 640×480 and a 12 MP (4000×3000) photo. The same upload answered the old
 * way (detail=none, output=face: the 64×64 decoder face) is timed in the same run as the baseline.
 * The photos are the generated face of edge/testing/decoded-face.ts placed on a gradient: no CelebA image is used.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RgbaImage } from '#core/image/decode.ts';
import { Random } from '#core/random.ts';
import { nodeJpegCodec, sharpJpegEncoder } from '../edge/node/jpeg.ts';
import * as ort from 'onnxruntime-node';
import { createApp } from '../edge/app.ts';
import { ModelRegistry } from '#core/registry.ts';
import { nodeAlignerProvider } from '../edge/node/aligner.ts';
import { fileModelSource } from '../edge/node/file-source.ts';
import { nodeRuntimeOptions, startNodeServer } from '../edge/node/server.ts';
import { decodedFacePhoto } from '../edge/testing/decoded-face.ts';

const modelsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'models');
const { values: flags } = parseArgs({ options: { iterations: { type: 'string', default: '30' }, 'large-iterations': { type: 'string', default: '6' } } });
const count = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    console.error(`--${name} must be an integer from 1 to 1000, got ${text}`);
    process.exit(2);
  }
  return value;
};
const iterations = count('iterations', flags.iterations);
const largeIterations = count('large-iterations', flags['large-iterations']);

/** Camera photos carry sensor noise and texture, which make JPEGs large and slow to decode; a flat gradient would flatter. */
function withGrain(photo: RgbaImage): RgbaImage {
  const random = Random.fromSeed(7);
  for (let i = 0; i < photo.data.length; i++) if (i % 4 !== 3) photo.data[i] = Math.max(0, Math.min(255, photo.data[i] + Math.round((random.uniform() - 0.5) * 24)));
  return photo;
}

async function upload(width: number, height: number, faceScale: number) {
  const jpeg = await sharpJpegEncoder(withGrain(decodedFacePhoto(width, height, faceScale, width * 0.45, height * 0.5)), 90);
  const form = new FormData();
  form.set('image', new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'photo.jpg');
  form.set('attributes', JSON.stringify({ Smiling: 1.5 }));
  const request = new Response(form);
  return { body: new Uint8Array(await request.arrayBuffer()), type: request.headers.get('content-type')!, bytes: jpeg.length };
}

type Send = (query: string, body: Uint8Array, type: string) => Promise<Response>;

async function time(send: Send, query: string, body: Uint8Array, type: string, runs: number) {
  const first = await send(query, body, type);
  if (first.status !== 200) throw new Error(`${query}: HTTP ${first.status} ${await first.text()}`);
  const out = new Uint8Array(await first.arrayBuffer());
  const ms: number[] = [];
  for (let k = 0; k < runs; k++) {
    const start = performance.now();
    const response = await send(query, body, type);
    await response.arrayBuffer();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { p50: at(0.5), p99: at(0.99), outBytes: out.length, contentType: first.headers.get('content-type') };
}

// In-process: the app as each pool thread of the Node server builds it, without HTTP and the thread hop.
const registry = new ModelRegistry(fileModelSource(modelsDir), ort, { runtime: nodeRuntimeOptions() });
const app = createApp({ registry, aligner: nodeAlignerProvider(modelsDir), jpeg: nodeJpegCodec() });
const server = await startNodeServer({ port: 0, modelsDir });
const inProcess: Send = (query, body, type) => Promise.resolve(app.request(`/v1/models/faces/attributes${query}`, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: { 'Content-Type': type } }));
const overHttp: Send = (query, body, type) => fetch(`http://127.0.0.1:${server.port}/v1/models/faces/attributes${query}`, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: { 'Content-Type': type } });

const rows: string[] = [];
for (const [label, width, height, scale, runs] of [['640×480', 640, 480, 3.5, iterations], ['12 MP', 4000, 3000, 22, largeIterations]] as const) {
  const { body, type, bytes } = await upload(width, height, scale);
  for (const [query, what] of [['', 'detail=keep, output=photo (default)'], ['?detail=none&output=face', 'detail=none, output=face (baseline)']] as const) {
    for (const [where, send] of [['Node server', overHttp], ['in-process', inProcess]] as const) {
      const r = await time(send, query, body, type, runs);
      rows.push(`| ${label} (${(bytes / 1e6).toFixed(2)} MB JPEG) | ${what} | ${where} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.contentType}, ${(r.outBytes / 1e6).toFixed(2)} MB |`);
      console.error(rows[rows.length - 1]);
    }
  }
}
await server.close();
console.log(`\n| photo | request | where | p50 ms | p99 ms | answer |\n| --- | --- | --- | --- | --- | --- |\n${rows.join('\n')}`);
