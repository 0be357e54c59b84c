import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

const axeSource = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', 'axe-core', 'axe.min.js');
let axeSourceText: string | undefined;

/** A cheap fingerprint of a canvas's pixels: equal fingerprints mean (almost surely) equal pictures. */
export function canvasFingerprint(canvas: Locator): Promise<{ hash: number; spread: number }> {
  return canvas.evaluate((element: HTMLCanvasElement) => {
    const data = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
    let hash = 0;
    let min = 255;
    let max = 0;
    for (let i = 0; i < data.length; i++) {
      hash = (hash * 31 + data[i]) >>> 0;
      if (i % 4 !== 3) [min, max] = [Math.min(min, data[i]), Math.max(max, data[i])];
    }
    return { hash, spread: max - min };
  });
}

/** axe-core's serious and critical findings on the page as it is now, one line each. */
export async function seriousAxeFindings(page: Page): Promise<string[]> {
  axeSourceText ??= await readFile(axeSource, 'utf8');
  await page.addScriptTag({ content: axeSourceText });
  return page.evaluate(async () => {
    type AxeResult = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    const result = await (window as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/**
 * Moves the attributes page's first slider `moves` times, waiting for each repaint, and returns the page's own
 * slider-to-repaint measures (ms, `latentlab:edit-repaint`: from the input event to the photo put on the canvas).
 */
export function attributeRepaintTimes(page: Page, moves: number): Promise<number[]> {
  return page.evaluate(async (count) => {
    const slider = document.querySelector<HTMLInputElement>('#attr-sliders input[type="range"]')!;
    const canvas = document.querySelector<HTMLCanvasElement>('#attr-canvas')!;
    performance.clearMeasures('latentlab:edit-repaint');
    for (let i = 0; i < count; i++) {
      const before = Number(canvas.dataset.renders);
      slider.value = String(Number(slider.min) + ((Number(slider.max) - Number(slider.min)) * (i % 10)) / 9);
      slider.dispatchEvent(new Event('input'));
      while (Number(canvas.dataset.renders) === before) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return performance.getEntriesByName('latentlab:edit-repaint').map((entry) => entry.duration);
  }, moves);
}
