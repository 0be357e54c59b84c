import { zlibSync } from 'fflate';

/*
 * Hostile and extreme images for the decoder, fuzz and limit tests, built in milliseconds: the deflate streams are
 * written bit by bit, so a 1 GiB bomb never exists uncompressed anywhere.
 */

/** Deflate's bit order: header fields and extra bits least significant bit first, Huffman codes most significant first. */
class BitWriter {
  private bytes = new Uint8Array(1024);
  private bits = 0;
  private push(b: number): void {
    this.reserve(1);
    this.bytes[this.bits >> 3] |= b << (this.bits & 7);
    this.bits++;
  }
  private reserve(moreBits: number): void {
    const need = ((this.bits + moreBits) >> 3) + 1;
    if (need <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(need, 2 * this.bytes.length));
    grown.set(this.bytes);
    this.bytes = grown;
  }
  value(value: number, count: number): void {
    for (let k = 0; k < count; k++) this.push((value >> k) & 1);
  }
  code(text: string): void {
    for (const c of text) this.push(c === '1' ? 1 : 0);
  }
  /** Zero bits need no writing: the buffer starts zeroed. */
  zeros(count: number): void {
    this.reserve(count);
    this.bits += count;
  }
  done(): Uint8Array {
    return this.bytes.slice(0, (this.bits + 7) >> 3);
  }
}

/**
 * A zlib stream that inflates to `size` zero bytes in ~size/1032 bytes: one dynamic-Huffman block whose only
 * length code (258) and distance code (1) take one bit each, the densest deflate allows.
 */
export function zeroDeflateBomb(size: number): Uint8Array {
  const w = new BitWriter();
  w.value(1, 1); // final block
  w.value(2, 2); // dynamic Huffman
  w.value(29, 5); // 286 literal/length code lengths
  w.value(1, 5); // 2 distance code lengths
  w.value(14, 4); // 18 code-length code lengths, in deflate's order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1
  [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2].forEach((length) => w.value(length, 3));
  // Code-length codes: 18 (a run of zeros) -> "0", length 1 -> "10", length 2 -> "11".
  const zeroRun = (n: number) => (w.code('0'), w.value(n - 11, 7));
  w.code('11'); // literal 0: 2 bits
  zeroRun(138);
  zeroRun(117);
  w.code('11'); // end of block: 2 bits
  zeroRun(28);
  w.code('10'); // 285, length 258: 1 bit
  w.code('10');
  w.code('10'); // distances 1 and 2: 1 bit each
  // So: 285 -> "0", literal 0 -> "10", end of block -> "11"; distance 1 -> "0".
  w.code('10');
  const repeats = Math.floor((size - 1) / 258);
  w.zeros(2 * repeats);
  for (let k = 1 + 258 * repeats; k < size; k++) w.code('10');
  w.code('11');
  const deflated = w.done();
  const out = new Uint8Array(2 + deflated.length + 4);
  out.set([0x78, 0x01]);
  out.set(deflated, 2);
  // Adler-32 of `size` zero bytes: s1 stays 1, s2 adds 1 per byte.
  new DataView(out.buffer).setUint32(out.length - 4, ((size % 65521) << 16) | 1);
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Array.from(type, (c) => c.charCodeAt(0)), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

export interface PngSpec {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced?: boolean;
  /** Extra chunks before IDAT, e.g. PLTE and tRNS. */
  chunks?: Uint8Array[];
}

/** A PNG of the given IHDR around an already-compressed zlib stream. */
export function pngAround(spec: PngSpec, zlib: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, spec.width);
  view.setUint32(4, spec.height);
  ihdr.set([spec.depth, spec.colorType, 0, 0, spec.interlaced ? 1 : 0], 8);
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return concat([signature, pngChunk('IHDR', ihdr), ...(spec.chunks ?? []), pngChunk('IDAT', zlib), pngChunk('IEND', new Uint8Array())]);
}

/** The probe: 100×100 RGBA in the header, IDAT inflating to 1 GiB, ~1 MB on the wire. */
export function pngDeflateBomb(inflatedBytes = 2 ** 30): Uint8Array {
  return pngAround({ width: 100, height: 100, depth: 8, colorType: 6 }, zeroDeflateBomb(inflatedBytes));
}

/** A legal all-black 16-bit RGBA PNG of width×height (4000² is ~125 KB). */
export function largeBlackPng16(width = 4000, height = 4000): Uint8Array {
  return pngAround({ width, height, depth: 16, colorType: 6 }, zeroDeflateBomb(height * (1 + width * 8)));
}

/** A 2×1 palette PNG with two palette entries whose second pixel uses index 7. */
export function outOfRangePalettePng(): Uint8Array {
  const palette = pngChunk('PLTE', Uint8Array.of(255, 0, 0, 0, 255, 0));
  return pngAround({ width: 2, height: 1, depth: 8, colorType: 3, chunks: [palette] }, zlibSync(Uint8Array.of(0, 1, 7)));
}

/** A GIF whose logical screen is screenW×screenH and whose first frame declares frameW×frameH (35 bytes). */
export function gifWithFrame(screenW: number, screenH: number, frameW: number, frameH: number): Uint8Array {
  const bytes = new Uint8Array(6 + 7 + 6 + 10 + 6);
  const view = new DataView(bytes.buffer);
  bytes.set(Array.from('GIF89a', (c) => c.charCodeAt(0)));
  view.setUint16(6, screenW, true);
  view.setUint16(8, screenH, true);
  bytes[10] = 0x80; // a global colour table of 2 entries
  bytes.set([0, 0, 0, 255, 255, 255], 13);
  bytes[19] = 0x2c;
  view.setUint16(24, frameW, true);
  view.setUint16(26, frameH, true);
  bytes.set([2, 2, 0x4c, 0x01, 0, 0x3b], 29); // LZW minimum code size, one 2-byte sub-block, end, trailer
  return bytes;
}

/** A progressive width×height JPEG of `scans` tiny scans (10,000 scans: ~600 KB). */
export function jpegScanBomb(width = 4000, height = 4000, scans = 10_000): Uint8Array {
  const sof = [0xff, 0xc2, 0, 11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
  const dqt = [0xff, 0xdb, 0, 67, 0, ...new Array<number>(64).fill(1)];
  const scan = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 0, 0, ...new Array<number>(50).fill(0)];
  const out = new Uint8Array(2 + dqt.length + sof.length + scans * scan.length + 2);
  out.set([0xff, 0xd8]);
  out.set(dqt, 2);
  out.set(sof, 2 + dqt.length);
  for (let k = 0; k < scans; k++) out.set(scan, 2 + dqt.length + sof.length + k * scan.length);
  out.set([0xff, 0xd9], out.length - 2);
  return out;
}
