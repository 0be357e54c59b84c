import { Unzlib } from 'fflate';
import { InputError } from '../errors.ts';
import type { RgbaImage } from './decode.ts';

/*
 * A streaming PNG decoder on fflate's inflater. Hand-written because no maintained decoder fits both runtimes and
 * bounds its work: fast-png inflates all of IDAT in one unbounded call and returns 16-bit samples in a full-size
 * Uint16Array; pngjs needs Node streams and Buffer; wasm decoders need their own compiled module on Workers.
 * Here each row is unfiltered and written to the RGBA output as soon as it has inflated, so the peak is the input,
 * the 4-byte-per-pixel output and two rows; inflation stops with a 400 the moment it passes what the header declares.
 */

const corrupt = (reason: string) => new InputError(400, 'corrupt_image', `the PNG image could not be decoded: ${reason}`);

// fflate inflates all of one pushed chunk before it reports any output, and deflate expands at most ~1032:1, so
// pushing 1 KiB at a time keeps every burst near 1 MiB, however far the stream would run.
const INFLATE_SLICE = 1024;

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
  channels: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

function readHeader(data: Uint8Array): Header {
  if (data.length !== 13) throw corrupt('IHDR has the wrong length');
  const view = new DataView(data.buffer, data.byteOffset, 13);
  const [depth, colorType, compression, filter, interlace] = data.subarray(8);
  if (!DEPTHS[colorType]?.includes(depth)) throw corrupt(`colour type ${colorType} with bit depth ${depth} is not a PNG format`);
  if (compression !== 0 || filter !== 0 || interlace > 1) throw corrupt('unknown compression, filter or interlace method');
  return { width: view.getUint32(0), height: view.getUint32(4), depth, colorType, interlaced: interlace === 1, channels: CHANNELS[colorType] };
}

/** Adam7 passes as [x0, y0, dx, dy]; a plain image is one pass over every pixel. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  rows: number;
}

function passesOf(h: Header): Pass[] {
  const grid = h.interlaced ? ADAM7 : [[0, 0, 1, 1]];
  return grid
    .map(([x0, y0, dx, dy]) => ({ x0, y0, dx, dy, width: Math.ceil((h.width - x0) / dx), rows: Math.ceil((h.height - y0) / dy) }))
    .filter((p) => p.width > 0 && p.rows > 0);
}

function unfilter(row: Uint8Array, previous: Uint8Array, bytesPerPixel: number): void {
  const type = row[0];
  if (type === 0) return;
  if (type > 4) throw corrupt(`unknown row filter ${type}`);
  const n = row.length;
  for (let i = 1; i < n; i++) {
    const left = i > bytesPerPixel ? row[i - bytesPerPixel] : 0;
    const up = previous[i];
    const upLeft = i > bytesPerPixel ? previous[i - bytesPerPixel] : 0;
    let predicted: number;
    if (type === 1) predicted = left;
    else if (type === 2) predicted = up;
    else if (type === 3) predicted = (left + up) >> 1;
    else {
      const p = left + up - upLeft;
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
      predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    }
    row[i] = (row[i] + predicted) & 0xff;
  }
}

interface Colours {
  /** PLTE as RGBA entries (alpha from tRNS), and how many entries it has. */
  palette?: { rgba: Uint8Array; entries: number };
  /** tRNS of a grey or RGB image: the one 16-bit sample value per channel that is transparent. */
  key?: number[];
}

function paletteOf(plte: Uint8Array, trns: Uint8Array | undefined): Colours['palette'] {
  const entries = plte.length / 3;
  const rgba = new Uint8Array(256 * 4);
  for (let k = 0; k < entries; k++) {
    rgba.set(plte.subarray(3 * k, 3 * k + 3), 4 * k);
    rgba[4 * k + 3] = trns && k < trns.length ? trns[k] : 255;
  }
  return { rgba, entries };
}

/** One unfiltered row (filter byte first) -> `width` RGBA pixels in `line`; 16-bit samples keep their high byte. */
function toRgba(h: Header, colours: Colours, row: Uint8Array, width: number, line: Uint8Array): void {
  const { depth, channels, colorType } = h;
  const palette = colours.palette;
  if (colorType === 3 || depth < 8) {
    const max = (1 << depth) - 1;
    for (let i = 0; i < width; i++) {
      const bit = i * depth;
      const value = depth === 8 ? row[1 + i] : (row[1 + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
      if (palette) {
        if (value >= palette.entries) throw corrupt(`palette index ${value} is out of range (the palette has ${palette.entries} entries)`);
        line.set(palette.rgba.subarray(4 * value, 4 * value + 4), 4 * i);
      } else {
        line[4 * i] = line[4 * i + 1] = line[4 * i + 2] = Math.round((value * 255) / max);
        line[4 * i + 3] = colours.key && value === colours.key[0] ? 0 : 255;
      }
    }
    return;
  }
  const step = depth === 16 ? 2 : 1;
  const stride = channels * step;
  const gray = channels <= 2;
  const alpha = channels === 2 || channels === 4;
  for (let i = 0, s = 1, o = 0; i < width; i++, s += stride, o += 4) {
    line[o] = row[s];
    line[o + 1] = gray ? row[s] : row[s + step];
    line[o + 2] = gray ? row[s] : row[s + 2 * step];
    line[o + 3] = alpha ? row[s + (channels - 1) * step] : 255;
  }
  if (colours.key) applyKey(colours.key, row, width, channels, step, line);
}

function applyKey(key: number[], row: Uint8Array, width: number, channels: number, step: number, line: Uint8Array): void {
  const sample = (at: number) => (step === 2 ? (row[at] << 8) | row[at + 1] : row[at]);
  for (let i = 0; i < width; i++) {
    const s = 1 + i * channels * step;
    let match = true;
    for (let c = 0; c < channels && match; c++) match = sample(s + c * step) === key[c];
    if (match) line[4 * i + 3] = 0;
  }
}

/** Receives inflated bytes, cuts them into rows pass by pass, and refuses a byte past the last declared row. */
function rowSink(h: Header, colours: Colours, out: Uint8Array) {
  const bitsPerPixel = h.depth * h.channels;
  const bytesPerPixel = Math.max(1, bitsPerPixel >> 3);
  const passes = passesOf(h);
  let passIndex = 0;
  let y = 0;
  let filled = 0;
  const rowBytes = (p: Pass) => 1 + Math.ceil((p.width * bitsPerPixel) / 8);
  let row = new Uint8Array(rowBytes(passes[0]));
  let previous = new Uint8Array(row.length);
  const line = new Uint8Array(4 * h.width);
  const push = (chunk: Uint8Array) => {
    let offset = 0;
    while (offset < chunk.length) {
      if (passIndex === passes.length) throw corrupt(`pixel data inflates past the ${h.width}×${h.height} the header declares`);
      const take = Math.min(row.length - filled, chunk.length - offset);
      row.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled < row.length) continue;
      const pass = passes[passIndex];
      unfilter(row, previous, bytesPerPixel);
      const top = (pass.y0 + y * pass.dy) * h.width;
      if (pass.dx === 1) toRgba(h, colours, row, pass.width, out.subarray(4 * top, 4 * (top + h.width)));
      else {
        toRgba(h, colours, row, pass.width, line);
        for (let i = 0; i < pass.width; i++) out.set(line.subarray(4 * i, 4 * i + 4), 4 * (top + pass.x0 + i * pass.dx));
      }
      [row, previous, filled] = [previous, row, 0];
      if (++y === pass.rows && ++passIndex < passes.length) {
        y = 0;
        row = new Uint8Array(rowBytes(passes[passIndex]));
        previous = new Uint8Array(row.length);
      }
    }
  };
  return { push, complete: () => passIndex === passes.length };
}

/** Decodes a PNG to 8-bit RGBA (16-bit samples keep their high byte), checking every chunk's CRC. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined;
  let out: Uint8Array | undefined;
  let sink: ReturnType<typeof rowSink> | undefined;
  let inflate: Unzlib | undefined;
  const colours: Colours = {};
  let plte: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  for (let offset = 8; offset + 12 <= bytes.length; ) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) throw corrupt('a chunk runs past the end of the file (truncated?)');
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(end - 4)) throw corrupt(`chunk ${JSON.stringify(type)} fails its CRC check`);
    offset = end;
    if (!header && type !== 'IHDR') throw corrupt('the first chunk is not IHDR');
    if (type === 'IHDR') {
      if (header) throw corrupt('the file has two IHDR chunks');
      header = readHeader(data);
    } else if (type === 'PLTE') {
      if (length % 3 !== 0 || length === 0) throw corrupt('PLTE is not a list of RGB entries');
      plte = data;
    } else if (type === 'tRNS') {
      const keyBytes = { 0: 2, 2: 6 }[header!.colorType as 0 | 2];
      if (keyBytes !== undefined && length < keyBytes) throw corrupt('tRNS is too short for the colour type');
      trns = data;
    }
    else if (type === 'IDAT') {
      if (!sink) Object.assign(colours, coloursOf(header!, plte, trns));
      out ??= new Uint8Array(header!.width * header!.height * 4);
      sink ??= rowSink(header!, colours, out);
      inflate ??= new Unzlib((chunk) => sink!.push(chunk));
      for (let at = 0; at < data.length; at += INFLATE_SLICE) pushInflate(inflate, data.subarray(at, at + INFLATE_SLICE));
    } else if (type === 'IEND') {
      if (!sink) throw corrupt('no image data');
      pushInflate(inflate!, new Uint8Array(0), true);
      if (!sink.complete()) throw corrupt('pixel data is shorter than the header declares');
      return { width: header!.width, height: header!.height, data: out! };
    } else if (/^[A-Z]/.test(type)) throw corrupt(`unknown critical chunk ${JSON.stringify(type)}`);
  }
  throw corrupt('the file ends before its IEND chunk (truncated?)');
}

function coloursOf(h: Header, plte: Uint8Array | undefined, trns: Uint8Array | undefined): Colours {
  if (h.colorType === 3) {
    if (!plte) throw corrupt('a palette image has no PLTE chunk');
    return { palette: paletteOf(plte, trns) };
  }
  if (!trns || (h.colorType !== 0 && h.colorType !== 2)) return {};
  const view = new DataView(trns.buffer, trns.byteOffset, trns.byteLength);
  return { key: Array.from({ length: h.channels }, (_, c) => view.getUint16(2 * c)) };
}

function pushInflate(inflate: Unzlib, data: Uint8Array, final = false): void {
  try {
    inflate.push(data, final);
  } catch (error) {
    throw error instanceof InputError ? error : corrupt(`pixel data does not inflate (${(error as Error).message})`);
  }
}
