/**
 * `npm run bench:uploads [-- --iterations 3]`
 * Uploads people send (issue 16 item 5), each against a baseline in the same run: a 50 MP JPEG read at reduced scale
 * (libvips shrink-on-load) against decoding it at full size (mozjpeg wasm, the decoder used up to 16 MP), with peak
 * RSS growth; the same photo encoded through the app against its 4096×3072 version; WebP read by libwebp wasm against
 * the same pixels as PNG. Medians of --iterations runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { decodeImage } from '#core/image/decode.ts';
import { DEFAULT_IMAGE_LIMITS } from '#core/image/sniff.ts';
import { decodeUpload } from '#core/image/upload.ts';
import { ModelRegistry } from '#core/registry.ts';
import { createApp } from '../edge/app.ts';
import { nodeAlignerProvider } from '../edge/node/aligner.ts';
import { fileModelSource } from '../edge/node/file-source.ts';
import { nodeJpegCodec } from '../edge/node/jpeg.ts';
import { nodeWebpDecoder } from '../edge/node/webp.ts';
import { fiftyMegapixelJpeg } from '../edge/testing/big-photo.ts';
import { syntheticRgba } from '../edge/testing/images.ts';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '3' } } });
const iterations = Number(values.iterations);
if (!Number.isInteger(iterations) || iterations < 1 || iterations > 100) {
  console.error(`--iterations must be an integer from 1 to 100, got ${values.iterations}`);
  process.exit(2);
}

const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
/** Median milliseconds and the largest peak RSS growth (MB) over the runs. */
async function measure(task: () => Promise<unknown>): Promise<{ ms: number; peakMb: number }> {
  const times: number[] = [];
  let peakMb = 0;
  for (let k = 0; k < iterations; k++) {
    writeFileSync('/proc/self/clear_refs', '5');
    const before = kb('VmRSS');
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
    peakMb = Math.max(peakMb, (kb('VmHWM') - before) / 1024);
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], peakMb };
}
const row = (label: string, { ms, peakMb }: { ms: number; peakMb: number }, baseline?: { ms: number }) =>
  console.log(`| ${label} | ${ms.toFixed(0)} | ${peakMb.toFixed(0)} | ${baseline ? (ms / baseline.ms).toFixed(2) : '1.00 (baseline)'} |`);

const jpeg = nodeJpegCodec();
const photo = await fiftyMegapixelJpeg();
const budgetSized = new Uint8Array(await sharp(photo).resize(4096, 3072).jpeg({ quality: 80 }).toBuffer());
console.log(`50 MP JPEG: ${photo.length} bytes; its 4096×3072 version: ${budgetSized.length} bytes\n`);
console.log('| what | median ms | peak RSS growth MB | time ratio |\n| --- | --- | --- | --- |');
// The reduced read goes first: RSS the full decode has grown stays with the process and would hide its peak.
const reduced = await measure(() => decodeUpload(photo, DEFAULT_IMAGE_LIMITS, { jpeg: jpeg.decode, scaledJpeg: jpeg.decodeScaled }));
const full = await measure(() => jpeg.decode(photo));
row('50 MP JPEG decoded at full size (mozjpeg wasm)', full);
row('50 MP JPEG read at 4096×3072 (libvips shrink-on-load)', reduced, full);

const app = createApp({ registry: new ModelRegistry(fileModelSource('models'), ort), aligner: nodeAlignerProvider('models'), jpeg, webp: nodeWebpDecoder() });
const encode = async (body: Uint8Array) => (await app.request('/v1/models/faces/encode', { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: body as BodyInit })).arrayBuffer();
await encode(budgetSized);
const small = await measure(() => encode(budgetSized));
row('POST faces/encode, the 4096×3072 JPEG (in-process, aligned)', small);
row('POST faces/encode, the 50 MP JPEG', await measure(() => encode(photo)), small);

const rgba = syntheticRgba(3, 1024, 768);
const raw = { raw: { width: 1024, height: 768, channels: 4 as const } };
const [png, webp] = await Promise.all([sharp(rgba, raw).png().toBuffer(), sharp(rgba, raw).webp({ quality: 90 }).toBuffer()]);
const webpDecoder = nodeWebpDecoder();
const pngRead = await measure(async () => decodeImage(new Uint8Array(png)));
row('1024×768 PNG read (core PNG decoder)', pngRead);
row('1024×768 WebP read (libwebp wasm)', await measure(() => decodeUpload(new Uint8Array(webp), DEFAULT_IMAGE_LIMITS, { webp: webpDecoder })), pngRead);
