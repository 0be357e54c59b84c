import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { encodePng } from '#core/image/encode.ts';
import { decodedFacePhoto } from '../edge/testing/decoded-face.ts';
import { sharpScaledJpegDecoder, nodeJpegCodec } from '../edge/node/jpeg.ts';
const kb = (f: string) => Number(new RegExp(`${f}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
let t = performance.now();
const scene = encodePng(decodedFacePhoto(408, 306, 2.4));
const bytes = new Uint8Array(await sharp(scene).resize(8160, 6120, { kernel: 'cubic' }).jpeg({ quality: 80 }).toBuffer());
console.log('generate ms', (performance.now() - t).toFixed(0), 'bytes', bytes.length);
for (let i = 0; i < 3; i++) {
  writeFileSync('/proc/self/clear_refs', '5'); const before = kb('VmRSS');
  t = performance.now();
  await sharpScaledJpegDecoder(bytes, 4096, 3072);
  console.log('scaled decode ms', (performance.now() - t).toFixed(0), 'peak MB', ((kb('VmHWM') - before) / 1024).toFixed(0));
}
// Baseline in the same run: the full-size decode the budget would otherwise need (mozjpeg wasm, as for ≤16 MP uploads).
const small = new Uint8Array(await sharp(scene).resize(4096, 3072, { kernel: 'cubic' }).jpeg({ quality: 80 }).toBuffer());
const { decode } = nodeJpegCodec();
for (let i = 0; i < 2; i++) {
  t = performance.now(); await decode(small); console.log('mozjpeg 4096x3072 full decode ms', (performance.now() - t).toFixed(0));
}
