import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../image/decode.ts';
import type { ManifestInput } from '../manifest.ts';
import { affineFromCrop, affineFromSimilarity, applyAffine, photoFootprint, invertAffine } from './affine.ts';
import { editedPhotos, faceSource, keepCropSize, keepFaces, keepMorphFrames } from './detail.ts';
import { anchorOutline, faceMask } from './mask.ts';

const input: ManifestInput = {
  channels: 3,
  width: 16,
  height: 16,
  layout: 'NCHW',
  range: [0, 1],
  preprocess: { crop: { kind: 'none' }, resize: 'area', grayscale: false },
  face: { leftEye: [0.35, 0.45], rightEye: [0.65, 0.45], mouth: [0.5, 0.75] },
};
const shape = [3, 16, 16] as const;

/** A textured photo: fine detail the 16×16 "model" below could never hold. */
function photo(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const x = p % width;
    const y = Math.floor(p / width);
    data.set([(x * 7 + y * 3) % 256, (x * y) % 256, ((x ^ y) * 5) % 256, 255], 4 * p);
  }
  return { width, height, data };
}

const flat = (value: number) => new Float32Array(3 * 16 * 16).fill(value);
/** The face 96 photo pixels wide at (40, 20), turned by 10°: photo → model maps it onto the 16×16 frame. */
const toModel = affineFromSimilarity({ a: (16 / 96) * Math.cos(0.17), b: (16 / 96) * Math.sin(0.17), tx: 0, ty: 0 });
const placed = { ...toModel, tx: toModel.tx - applyAffine(toModel, [40, 20])[0], ty: toModel.ty - applyAffine(toModel, [40, 20])[1] };

describe('detail transfer', () => {
  it('keeps the photo byte for byte where the edit changes nothing, at the face’s native size', () => {
    const source = faceSource(photo(200, 150), 'png', placed, input);
    const size = keepCropSize(source, shape);
    expect(size.width).toBe(96);
    const [unchanged, brighter] = keepFaces(source, flat(0.5), [flat(0.5), flat(0.6)], shape, size);
    const [again] = keepFaces(source, flat(0.2), [flat(0.2)], shape, size);
    expect(unchanged.data).toEqual(again.data);
    // +0.1 in the decoder's output is +25.5 on every (unclipped) pixel of the photo's own crop.
    const diffs = unchanged.data.map((v, i) => (i % 4 === 3 || v > 220 ? 25 : brighter.data[i] - v));
    expect(Math.min(...diffs)).toBeGreaterThanOrEqual(25);
    expect(Math.max(...diffs)).toBeLessThanOrEqual(26);
  });

  it('caps native crops at 512 px and honours an asked size', () => {
    const huge = affineFromSimilarity({ a: 16 / 2000, b: 0, tx: 0, ty: 0 });
    const source = faceSource(photo(40, 40), 'png', huge, input);
    expect(keepCropSize(source, shape)).toEqual({ width: 512, height: 512 });
    expect(keepCropSize(source, shape, 100)).toEqual({ width: 100, height: 100 });
  });

  it('pastes into the whole photo and leaves every pixel away from the face as it was', () => {
    const original = photo(200, 150);
    const source = faceSource(original, 'png', placed, input);
    const [edited] = editedPhotos(source, flat(0.3), [flat(0.7)], shape, 'keep');
    expect([edited.width, edited.height]).toEqual([200, 150]);
    const box = photoFootprint(placed, { left: 0, top: 0, width: 16, height: 16 }, original);
    let changedInside = 0;
    for (let y = 0; y < 150; y++) {
      for (let x = 0; x < 200; x++) {
        const p = 4 * (y * 200 + x);
        const same = edited.data[p] === original.data[p] && edited.data[p + 1] === original.data[p + 1] && edited.data[p + 2] === original.data[p + 2];
        const inside = x >= box.left && x < box.left + box.width && y >= box.top && y < box.top + box.height;
        if (!inside) expect(same).toBe(true);
        else if (!same) changedInside++;
      }
    }
    expect(changedInside).toBeGreaterThan(1000);
    const [noChange] = editedPhotos(source, flat(0.3), [flat(0.3)], shape, 'keep');
    expect(noChange.data).toEqual(original.data);
  });

  it('morphs from exactly A’s face to exactly B’s face', () => {
    const a = faceSource(photo(200, 150), 'png', placed, input);
    const b = faceSource(photo(120, 100), 'jpeg', affineFromCrop({ left: 10, top: 10, width: 80, height: 80 }, 16, 16), input);
    const size = { width: 64, height: 64 };
    const [decA, decB] = [flat(0.2), flat(0.8)];
    const frames = [0, 0.5, 1].map((t) => ({ t, decoded: flat(0.2 + 0.6 * t) }));
    const [first, middle, last] = keepMorphFrames({ source: a, decoded: decA }, { source: b, decoded: decB }, frames, shape, size);
    expect(first.data).toEqual(keepFaces(a, decA, [decA], shape, size)[0].data);
    expect(last.data).toEqual(keepFaces(b, decB, [decB], shape, size)[0].data);
    expect(middle.data).not.toEqual(first.data);
  });

  it('gives a source the same pixels on every call, whatever size came before (its mask and crop are reused)', () => {
    const source = faceSource(photo(200, 150), 'png', placed, input);
    const fresh = () => faceSource(source.photo, 'png', placed, input);
    const edit = flat(0.6);
    const base = flat(0.5);
    const first = editedPhotos(source, base, [edit], shape, 'keep')[0];
    expect(editedPhotos(source, base, [flat(0.7)], shape, 'keep')[0].data).not.toEqual(first.data);
    expect(editedPhotos(source, base, [edit], shape, 'keep')[0].data).toEqual(first.data);
    const small = { width: 32, height: 32 };
    const end = { source, decoded: base };
    expect(keepMorphFrames(end, end, [{ t: 0.5, decoded: edit }], shape, { width: 64, height: 64 })[0].width).toBe(64);
    expect(keepMorphFrames(end, end, [{ t: 0.5, decoded: edit }], shape, small)[0].data).toEqual(
      keepMorphFrames({ source: fresh(), decoded: base }, { source: fresh(), decoded: base }, [{ t: 0.5, decoded: edit }], shape, small)[0].data,
    );
  });

  it('feathers the mask: full on the face, nothing outside its outline', () => {
    const mask = faceMask(16, 16, anchorOutline(input));
    const at = (u: number, v: number) => mask.data[Math.floor(v * mask.scale) * mask.width + Math.floor(u * mask.scale)];
    expect(at(8, 9)).toBeCloseTo(1, 5);
    expect(at(0.2, 0.2)).toBe(0);
    // Nothing is pasted beyond the support, which stays inside the model frame.
    expect(mask.support.left).toBeGreaterThanOrEqual(-1 / mask.scale);
    expect(mask.support.left + mask.support.width).toBeLessThanOrEqual(16 + 1 / mask.scale);
  });

  it('inverts the photo ↔ model transform', () => {
    const back = invertAffine(placed);
    const [x, y] = applyAffine(back, applyAffine(placed, [123.5, 45.25]));
    expect(x).toBeCloseTo(123.5, 9);
    expect(y).toBeCloseTo(45.25, 9);
  });
});
