import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './testing/browser.ts';
import { canvasFingerprint, seriousAxeFindings } from './testing/page-checks.ts';
import { buildTestSite, writeFacePng, writeSyntheticPng, type TestSite } from './testing/site-fixture.ts';
import { serveStaticSite, type RunningServer } from './testing/static-server.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.join(here, 'test-artifacts', 'site');
const PAGES = ['', 'morph/', 'attributes/', 'map/', 'generate/', 'learn/', 'api/', 'embed/', 'embed/frame/?widget=sample&model=fixture'];
const MODEL_PAGES = new Set(['morph/', 'attributes/', 'map/', 'generate/', 'learn/']);
/** Pages the flow tests below already audit in their final state, instead of loading them again. */
const AUDITED_IN_FLOW = new Set(['morph/', 'attributes/', 'map/']);

let site: TestSite;
let server: RunningServer;
let blog: RunningServer;
let browser: Browser;
/** One context for all pages, so the HTTP cache and Cache Storage keep ort and the model between pages, as for a visitor. */
let context: BrowserContext;

async function openPage(pathname: string, width = 1280): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  page.on('pageerror', (error) => console.error(`page error on /${pathname}: ${error.message}`));
  await page.goto(`${server.url}/${pathname}`);
  return page;
}

const axeFindings: Record<string, string[]> = {};

/** Runs axe-core on the page as it is now (model loaded, controls built) and saves a full-page screenshot. */
async function auditPage(page: Page, name: string): Promise<void> {
  axeFindings[name] = await seriousAxeFindings(page);
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

const waitForModel = (page: Page) => page.waitForSelector('html[data-model-ready]', { timeout: 30_000 });

beforeAll(async () => {
  site = await buildTestSite();
  server = await serveStaticSite({ dir: site.distDir });
  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true });
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.close(), blog?.close()]);
  if (site) await rm(site.root, { recursive: true, force: true });
});

describe('site in chromium', () => {
  it('morphs two uploaded images, the slider changes the canvas, and the GIF download is a GIF', async () => {
    const page = await openPage('morph/');
    await waitForModel(page);
    const [a, b] = await Promise.all([
      writeSyntheticPng(path.join(site.root, 'a.png'), 3),
      writeSyntheticPng(path.join(site.root, 'b.png'), 8),
    ]);
    await page.setInputFiles('#morph-a-file', a);
    await page.setInputFiles('#morph-b-file', b);
    await expect.poll(() => page.textContent('[data-image-source="morph-a"] [data-source-status]')).toContain('a.png');
    await expect.poll(() => page.textContent('[data-image-source="morph-b"] [data-source-status]')).toContain('b.png');

    const canvas = page.locator('#morph-canvas');
    const framesBefore = Number(await canvas.getAttribute('data-frames'));
    await page.locator('#morph-t').fill('0');
    await expect.poll(async () => Number(await canvas.getAttribute('data-frames'))).toBeGreaterThan(framesBefore);
    const atA = await canvasFingerprint(canvas);
    expect(atA.spread).toBeGreaterThan(20);
    await page.locator('#morph-t').fill('1');
    await expect.poll(async () => (await canvasFingerprint(canvas)).hash).not.toBe(atA.hash);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#morph-gif')]);
    const gif = await readFile((await download.path())!);
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(gif.length).toBeGreaterThan(200);
    await auditPage(page, 'morph');
    await page.close();
  });

  it('refuses an upload that is not an image with a clear message', async () => {
    const page = await openPage('morph/');
    await waitForModel(page);
    const notImage = path.join(site.root, 'notes.png');
    await writeFile(notImage, 'this is text, not a picture');
    await page.setInputFiles('#morph-a-file', notImage);
    const status = page.locator('[data-image-source="morph-a"] [data-source-status]');
    await expect.poll(() => status.textContent()).toMatch(/not a PNG, JPEG, GIF or WebP/);
    expect(await status.getAttribute('class')).toContain('error');
    await page.close();
  });

  it('keeps the later of two quick uploads when the earlier one is slower to decode', async () => {
    const page = await openPage('morph/');
    await waitForModel(page);
    const [large, small] = await Promise.all([
      writeSyntheticPng(path.join(site.root, 'large.png'), 4, 2400),
      writeSyntheticPng(path.join(site.root, 'small.png'), 6),
    ]);
    const status = page.locator('[data-image-source="morph-a"] [data-source-status]');
    await page.setInputFiles('#morph-a-file', large);
    await page.setInputFiles('#morph-a-file', small);
    await expect.poll(() => status.textContent()).toContain('small.png');
    // Ample time for the 2400×2400 photo to finish decoding: it must not take the slot back.
    await page.waitForTimeout(3000);
    expect(await status.textContent()).toContain('small.png');
    await page.close();
  });

  it('boxes the face of an upload, re-aligns when the box is moved, and offers a manual crop when there is no face', async () => {
    const page = await openPage('morph/');
    await waitForModel(page);
    await page.selectOption('[data-model-select]', site.faceModelId);
    await page.waitForSelector(`html[data-model-ready="${site.faceModelId}"]`, { timeout: 30_000 });
    const slotA = page.locator('[data-image-source="morph-a"]');
    const statusA = slotA.locator('[data-source-status]');
    await page.setInputFiles('#morph-a-file', await writeFacePng(path.join(site.root, 'face.png')));
    await expect.poll(() => statusA.textContent(), { timeout: 30_000 }).toMatch(/^Face found in face\.png/);
    expect(await slotA.locator('details[data-crop]').evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    // The box (orange outline and handle) and the eye and mouth landmarks (teal dots) are drawn on the photo.
    const drawn = await slotA.locator('[data-crop-canvas]').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const near = (i: number, [r, g, b]: number[]) => Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 24;
      let box = 0;
      let dots = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (near(i, [244, 162, 97])) box++;
        if (near(i, [46, 196, 182])) dots++;
      }
      return { box, dots };
    });
    expect(drawn.box).toBeGreaterThan(200);
    expect(drawn.dots).toBeGreaterThan(10);
    const encoded = slotA.locator('[data-source-canvas]');
    const detected = await canvasFingerprint(encoded);

    await slotA.locator('[data-crop-canvas]').scrollIntoViewIfNeeded();
    const preview = (await slotA.locator('[data-crop-canvas]').boundingBox())!;
    await page.mouse.move(preview.x + preview.width / 2, preview.y + preview.height / 2);
    await page.mouse.down();
    await page.mouse.move(preview.x + preview.width * 0.62, preview.y + preview.height * 0.56, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => statusA.textContent()).toMatch(/framed by your box/);
    await expect.poll(async () => (await canvasFingerprint(encoded)).hash).not.toBe(detected.hash);
    await slotA.locator('[data-crop-reset]').click();
    await expect.poll(() => statusA.textContent()).toMatch(/^Face found in face\.png/);
    await expect.poll(async () => (await canvasFingerprint(encoded)).hash).toBe(detected.hash);

    const slotB = page.locator('[data-image-source="morph-b"]');
    await page.setInputFiles('#morph-b-file', await writeSyntheticPng(path.join(site.root, 'shapes.png'), 5, 160));
    await expect.poll(() => slotB.locator('[data-source-status]').textContent(), { timeout: 30_000 }).toMatch(/^No face found in shapes\.png/);
    expect(await slotB.locator('details[data-crop]').evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    expect(await slotB.locator('[data-crop-reset]').isHidden()).toBe(true);
    const manual = await canvasFingerprint(slotB.locator('[data-source-canvas]'));
    await slotB.locator('[data-crop-size]').fill('0.5');
    await expect.poll(async () => (await canvasFingerprint(slotB.locator('[data-source-canvas]'))).hash).not.toBe(manual.hash);
    // One photo without an aligned face: the decoder's frames, at the model's size.
    const morph = page.locator('#morph-canvas');
    expect(await morph.evaluate((c: HTMLCanvasElement) => [c.width, c.classList.contains('sharp')])).toEqual([16, false]);
    await page.setInputFiles('#morph-b-file', await writeFacePng(path.join(site.root, 'face-b.png')));
    // Two aligned faces: sharp frames of the photos' own faces at 256 pixels, as the API's detail=keep default.
    await expect.poll(() => morph.evaluate((c: HTMLCanvasElement) => [c.width, c.height, c.classList.contains('sharp')]), { timeout: 30_000 }).toEqual([256, 256, true]);
    await auditPage(page, 'morph-face');
    await page.close();
  });

  it('moving an attribute slider changes the edited image', async () => {
    const page = await openPage('attributes/');
    await waitForModel(page);
    const canvas = page.locator('#attr-canvas');
    await expect.poll(async () => Number(await canvas.getAttribute('data-renders'))).toBeGreaterThan(0);
    const before = await canvasFingerprint(canvas);
    const slider = page.locator('#attr-sliders input[type="range"]').first();
    await slider.fill(await slider.getAttribute('max') ?? '1');
    await expect.poll(async () => (await canvasFingerprint(canvas)).hash).not.toBe(before.hash);
    await auditPage(page, 'attributes');
    await page.close();
  });

  it('the latent map shows the nearest thumbnail on hover and decodes the clicked point', async () => {
    const page = await openPage('map/');
    await waitForModel(page);
    const decoded = page.locator('#map-decoded');
    await expect.poll(async () => (await canvasFingerprint(decoded)).spread).toBeGreaterThan(10);
    const before = await canvasFingerprint(decoded);
    const map = page.locator('#map-canvas');
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.1);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.9, { steps: 8 });
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => (await canvasFingerprint(decoded)).hash).not.toBe(before.hash);
    expect((await canvasFingerprint(page.locator('#map-thumb'))).spread).toBeGreaterThan(10);
    await expect.poll(() => page.locator('#map-walk canvas').count()).toBe(10);
    await auditPage(page, 'map');
    await page.close();
  });

  it('renders the widgets on a page from another origin', async () => {
    blog = await serveStaticSite({
      html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog post</title>
        <script type="module" src="${server.url}/widgets.js"></script></head>
        <body><main><h1>My post</h1><p>Some text.</p>
        <latent-sample model="${site.modelId}" seed="4"></latent-sample>
        <latent-morph model="${site.modelId}"></latent-morph>
        <latent-attributes model="${site.modelId}" attribute="Round"></latent-attributes>
        </main></body></html>`,
    });
    expect(new URL(blog.url).port).not.toBe(new URL(server.url).port);
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('requestfailed', (request) => failures.push(request.url()));
    await page.goto(blog.url);
    for (const tag of ['latent-sample', 'latent-morph', 'latent-attributes']) {
      await page.waitForSelector(`${tag}[data-ready="true"]`, { timeout: 30_000 });
      const canvas = page.locator(`${tag} canvas`);
      await expect.poll(async () => Number(await canvas.getAttribute('data-renders'))).toBeGreaterThan(0);
      expect((await canvasFingerprint(canvas)).spread).toBeGreaterThan(10);
    }
    const morph = page.locator('latent-morph');
    const before = await canvasFingerprint(morph.locator('canvas'));
    await morph.locator('input[type="range"]').fill('1');
    await expect.poll(async () => (await canvasFingerprint(morph.locator('canvas'))).hash).not.toBe(before.hash);
    expect(failures).toEqual([]);
    await page.close();
  });

  it('every page has no serious or critical axe-core violations, and a screenshot', async () => {
    for (const pathname of PAGES.filter((p) => !AUDITED_IN_FLOW.has(p))) {
      const page = await openPage(pathname);
      if (MODEL_PAGES.has(pathname)) await waitForModel(page);
      // The iframe fallback must actually run its widget, not just lay it out.
      if (pathname.startsWith('embed/frame/')) await page.waitForSelector('latent-sample[data-ready="true"]', { timeout: 30_000 });
      await auditPage(page, pathname.replace(/\?.*$/, '').replace(/\/$/, '').replace(/\//g, '-') || 'home');
      await page.close();
    }
    const narrow = await openPage('morph/', 360);
    await waitForModel(narrow);
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await narrow.screenshot({ path: path.join(artifacts, 'morph-360px.png'), fullPage: true });
    await narrow.close();
    expect(Object.keys(axeFindings).sort()).toEqual(['api', 'attributes', 'embed', 'embed-frame', 'generate', 'home', 'learn', 'map', 'morph', 'morph-face']);
    expect(Object.entries(axeFindings).filter(([, violations]) => violations.length)).toEqual([]);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
