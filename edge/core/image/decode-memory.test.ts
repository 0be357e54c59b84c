import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gifWithFrame, jpegScanBomb, largeBlackPng16, outOfRangePalettePng, pngDeflateBomb } from '../../testing/hostile-images.ts';
import { decodeImage } from './decode.ts';

const statusKb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);

/**
 * The process's peak RSS growth while `task` runs, in MB: writing 5 to clear_refs resets the kernel's high-water
 * mark (VmHWM), so the peak is this task's alone and not an earlier test's.
 */
function peakGrowthMb(task: () => unknown): number {
  writeFileSync('/proc/self/clear_refs', '5');
  const before = statusKb('VmRSS');
  try {
    task();
  } catch {
    // Refusals are what most cases expect; decode.test.ts checks the errors themselves.
  }
  return (statusKb('VmHWM') - before) / 1024;
}

describe.skipIf(!existsSync('/proc/self/clear_refs'))('decodeImage peak memory (RSS high-water mark)', () => {
  it('refuses the bombs within a few MB: the 1 GiB deflate bomb, a 65535² GIF frame, 10,000 JPEG scans, a bad palette', () => {
    const cases = { png: pngDeflateBomb(), gif: gifWithFrame(1, 1, 65535, 65535), jpeg: jpegScanBomb(), palette: outOfRangePalettePng() };
    const peaks = Object.fromEntries(Object.entries(cases).map(([name, bytes]) => [name, peakGrowthMb(() => decodeImage(bytes))]));
    // The PNG's bound: its 100×100 output, two rows, and at most one ~4 MiB inflate burst past the header's size.
    for (const peak of Object.values(peaks)) expect(peak).toBeLessThan(24);
  });

  it('decodes a 4000×4000 16-bit RGBA PNG in about its 64 MB RGBA output and no 16-bit or float copy', () => {
    const png = largeBlackPng16();
    // 64 MB of output plus inflate bursts the collector has not reclaimed yet (~40–50 MB, whatever the image size,
    // and more when the suite runs in parallel); any 16-bit or float copy adds ≥ 128 MB (fast-png's path held the
    // 128 MB inflated stream, a 128 MB Uint16Array and the output at once), so 80 MB of slack still catches one.
    expect(peakGrowthMb(() => decodeImage(png))).toBeLessThan(64 + 80);
  });
});
