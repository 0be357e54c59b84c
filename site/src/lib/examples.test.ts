import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserSession, testArtifacts, type BrowserSession } from '../../testing/browser-session.ts';
import { canvasFingerprint, seriousAxeFindings } from '../../testing/page-checks.ts';
import { EXAMPLE_PHOTOS } from './examples.ts';

/** The example photos under the pickers, used as a first visitor would: click one, get an aligned face, edit it. */
let session: BrowserSession;

beforeAll(async () => {
  session = await startBrowserSession(testArtifacts(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'), 'examples'));
});

afterAll(async () => {
  await session?.close();
});

async function open(pathname: string, modelId: string, width = 1280): Promise<Page> {
  const page = await session.context.newPage();
  await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
  await page.goto(`${session.server.url}/${pathname}`);
  await page.waitForSelector('html[data-model-ready]', { timeout: 30_000 });
  await page.selectOption('[data-model-select]', modelId);
  await page.waitForSelector(`html[data-model-ready="${modelId}"]`, { timeout: 30_000 });
  return page;
}

const picker = (page: Page, id: string) => page.locator(`[data-image-source="${id}"]`);
const renders = async (canvas: Locator) => Number(await canvas.getAttribute('data-renders'));
const size = (canvas: Locator) => canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);

describe('example photos in chromium', () => {
  it('on the attributes page a click on an example aligns its face, and a slider edits the whole photo', async () => {
    const page = await open('attributes/', session.site.faceModelId);
    const source = picker(page, 'attr-source');
    const row = source.locator('[data-example-photos]');
    expect(await row.isVisible()).toBe(true);
    const thumbnails = row.locator('img');
    expect(await thumbnails.count()).toBe(EXAMPLE_PHOTOS.length);
    await expect.poll(() => thumbnails.evaluateAll((images: HTMLImageElement[]) => images.every((image) => image.complete && image.naturalWidth > 0))).toBe(true);
    expect(await row.locator('.example-photos-credit').textContent()).toContain('NASA, public domain');

    const [first] = EXAMPLE_PHOTOS;
    await row.locator(`[data-example-file="${first.file}"]`).click();
    await expect.poll(() => source.locator('[data-source-status]').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^Face found in ${first.file}`));
    expect(await source.locator('[data-source-photo-figure]').isVisible()).toBe(true);
    expect(await source.locator('[data-source-photo-caption]').textContent()).toMatch(/^Aligned face/);

    const canvas = page.locator('#attr-canvas');
    await expect.poll(() => size(canvas)).toEqual([512, 512]);
    const before = await canvasFingerprint(canvas);
    const rendersBefore = await renders(canvas);
    const slider = page.locator('#attr-sliders input[type="range"]').first();
    await slider.fill((await slider.getAttribute('max')) ?? '1');
    await expect.poll(() => renders(canvas)).toBeGreaterThan(rendersBefore);
    expect((await canvasFingerprint(canvas)).hash).not.toBe(before.hash);

    await source.screenshot({ path: path.join(session.artifacts, 'attributes-picker-1280.png') });
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.close();
  });

  it('on the morph page an example fills either picker; the row is hidden for a model that does not take faces', async () => {
    const page = await open('morph/', session.site.faceModelId, 390);
    const b = picker(page, 'morph-b');
    const last = EXAMPLE_PHOTOS[EXAMPLE_PHOTOS.length - 1];
    await b.locator(`[data-example-file="${last.file}"]`).click();
    await expect.poll(() => b.locator('[data-source-status]').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^Face found in ${last.file}`));
    await b.screenshot({ path: path.join(session.artifacts, 'morph-picker-390.png') });

    await page.selectOption('[data-model-select]', session.site.modelId);
    await page.waitForSelector(`html[data-model-ready="${session.site.modelId}"]`, { timeout: 30_000 });
    expect(await b.locator('[data-example-photos]').isVisible()).toBe(false);
    await page.close();
  });

  it('the credit line links to the sources and licences of every photo', async () => {
    const response = await fetch(`${session.server.url}/examples/README.txt`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const sections = text.split(/^## /m).slice(1);
    expect(sections.map((section) => section.split('\n')[0])).toEqual(EXAMPLE_PHOTOS.map((photo) => photo.file));
    for (const section of sections) expect(section).toMatch(/^- Licence: .+\n[\s\S]*^- Statement, quoted from .+\n\n> /m);
  });
});
