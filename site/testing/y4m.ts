import type { RgbaImage } from '#core/image/decode.ts';

/**
 * A two-frame Y4M video (4:2:0, full-range BT.601, 30 frames/s) of a picture, the second frame moved 2 px right: the
 * format chromium's `--use-file-for-fake-video-capture` loops as a camera. Written here because it is a 40-byte
 * header and a colour conversion; no video encoder is needed for raw frames.
 */
export function faceVideoY4m(image: RgbaImage): Uint8Array {
  const { width, height, data } = image;
  if (width % 2 || height % 2) throw new Error(`a 4:2:0 video needs even sides, not ${width}×${height}`);
  const header = new TextEncoder().encode(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`);
  const frameHeader = new TextEncoder().encode('FRAME\n');
  const planeBytes = width * height * 1.5;
  const out = new Uint8Array(header.length + 2 * (frameHeader.length + planeBytes));
  out.set(header);
  let offset = header.length;
  for (const shift of [0, 2]) {
    out.set(frameHeader, offset);
    offset += frameHeader.length;
    const rgb = (x: number, y: number): [number, number, number] => {
      const p = (y * width + Math.max(0, x - shift)) * 4;
      return [data[p], data[p + 1], data[p + 2]];
    };
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const [r, g, b] = rgb(x, y);
        out[offset + y * width + x] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      }
    }
    const u = offset + width * height;
    const v = u + (width * height) / 4;
    for (let y = 0; y < height / 2; y++) {
      for (let x = 0; x < width / 2; x++) {
        const [r, g, b] = [rgb(2 * x, 2 * y), rgb(2 * x + 1, 2 * y), rgb(2 * x, 2 * y + 1), rgb(2 * x + 1, 2 * y + 1)].reduce((s, c) => [s[0] + c[0] / 4, s[1] + c[1] / 4, s[2] + c[2] / 4], [0, 0, 0]);
        const k = y * (width / 2) + x;
        out[u + k] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
        out[v + k] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
      }
    }
    offset += planeBytes;
  }
  return out;
}
