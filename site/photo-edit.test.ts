import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageHeader } from '#core/image/sniff.ts';
import { startBrowserSession, testArtifacts, type BrowserSession } from './testing/browser-session.ts';
import { attributeRepaintTimes, canvasFingerprint, seriousAxeFindings } from './testing/page-checks.ts';
import { writeFaceJpeg, writeFacePng, type TestSite } from './testing/site-fixture.ts';
import { serveStaticSite, type RunningServer } from './testing/static-server.ts';

/** Your own photo back, edited: the attributes page and widget paste edits into the whole upload, in the browser. */
const SLIDER_MOVES = 40;

let session: BrowserSession;
let site: TestSite;
let server: RunningServer;
let blog: RunningServer | undefined;
let browser: Browser;
let artifacts: string;

beforeAll(async () => {
  session = await startBrowserSession(testArtifacts(path.dirname(fileURLToPath(import.meta.url)), 'photo'));
  ({ site, server, browser, artifacts } = session);
});

afterAll(async () => {
  await blog?.close();
  await session?.close();
});

const size = (canvas: Locator) => canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
const renders = async (canvas: Locator) => Number(await canvas.getAttribute('data-renders'));

describe('photo edits in chromium', () => {
  it('edits the whole uploaded photo at its size, compares before/after, and downloads it at full resolution', async () => {
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/attributes/`);
    await page.waitForSelector('html[data-model-ready]', { timeout: 30_000 });
    await page.selectOption('[data-model-select]', site.faceModelId);
    await page.waitForSelector(`html[data-model-ready="${site.faceModelId}"]`, { timeout: 30_000 });
    await page.setInputFiles('#attr-source-file', await writeFaceJpeg(path.join(site.root, 'me.jpg')));
    const status = page.locator('[data-image-source="attr-source"] [data-source-status]');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/^Face found in me\.jpg/);

    const canvas = page.locator('#attr-canvas');
    await expect.poll(() => size(canvas)).toEqual([640, 480]);
    // No slider moved: Dec(z) − Dec(z) adds nothing, so the canvas is the photo itself.
    const original = await canvasFingerprint(canvas);
    expect(await page.locator('[data-photo-controls]').first().isVisible()).toBe(true);
    const rendersBefore = await renders(canvas);
    const slider = page.locator('#attr-sliders input[type="range"]').first();
    await slider.fill((await slider.getAttribute('max')) ?? '1');
    await expect.poll(() => renders(canvas)).toBeGreaterThan(rendersBefore);
    const edited = await canvasFingerprint(canvas);
    expect(edited.hash).not.toBe(original.hash);
    expect(await size(canvas)).toEqual([640, 480]);
    const corner = await canvas.evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(2, 2, 1, 1).data));

    // Before/after: the split slider uncovers the original from the left, all of it at 100%.
    const compare = page.locator('#attr-canvas-compare');
    await compare.fill('1');
    expect((await canvasFingerprint(canvas)).hash).toBe(original.hash);
    await compare.fill('0.5');
    const half = await canvasFingerprint(canvas);
    expect([original.hash, edited.hash]).not.toContain(half.hash);
    await page.screenshot({ path: path.join(artifacts, 'attributes-photo-1280.png'), fullPage: true });
    await compare.fill('0');
    expect((await canvasFingerprint(canvas)).hash).toBe(edited.hash);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-photo-result="attr-canvas"] [data-photo-download]')]);
    expect(download.suggestedFilename()).toBe('me-edited.jpg');
    const header = readImageHeader(new Uint8Array(await readFile((await download.path())!)));
    expect(header).toMatchObject({ format: 'jpeg', width: 640, height: 480 });
    // Far from the face the photo is untouched (the JPEG's own pixels, as the browser decoded them).
    expect(corner.slice(0, 3).every((v, c) => Math.abs(v - [90, 110, 140][c]) < 8)).toBe(true);

    const times = await attributeRepaintTimes(page, SLIDER_MOVES);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`attributes slider to repainted 640×480 photo (fixture model): p50 ${sorted[sorted.length >> 1].toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms over ${times.length} moves`);
    expect(times.length).toBe(SLIDER_MOVES);

    await page.locator('#attr-api').click();
    const call = await page.locator('#attr-api-code').textContent();
    expect(call).toContain("-F 'image=@me.jpg'");
    expect(call).toContain('-o edited.jpg');
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 900 });
    await page.screenshot({ path: path.join(artifacts, 'attributes-photo-390.png'), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('the attributes widget on another origin edits a face photo given by URL, and a sample stays the decoder\'s face', async () => {
    await writeFacePng(path.join(site.distDir, 'test-face.png'));
    blog = await serveStaticSite({
      html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog post</title>
        <script type="module" src="${server.url}/widgets.js"></script></head>
        <body><main><h1>My post</h1>
        <latent-attributes id="photo" model="${site.faceModelId}" attribute="Round" src="${server.url}/test-face.png"></latent-attributes>
        <latent-morph id="faces" model="${site.faceModelId}" a="${server.url}/test-face.png" b="${server.url}/test-face.png"></latent-morph>
        </main></body></html>`,
    });
    const page = await browser.newPage();
    await page.goto(blog.url);
    const widget = page.locator('#photo');
    await page.waitForSelector('#photo[data-ready="true"]', { timeout: 60_000 });
    const canvas = widget.locator('canvas');
    await expect.poll(() => renders(canvas)).toBeGreaterThan(0);
    expect(await size(canvas)).toEqual([320, 240]);
    const original = await canvasFingerprint(canvas);
    await widget.locator('#attribute-strength').fill('2');
    await expect.poll(async () => (await canvasFingerprint(canvas)).hash).not.toBe(original.hash);
    await widget.locator('#compare').fill('1');
    expect((await canvasFingerprint(canvas)).hash).toBe(original.hash);
    await page.waitForSelector('#faces[data-ready="true"]', { timeout: 60_000 });
    await expect.poll(() => size(page.locator('#faces canvas'))).toEqual([256, 256]);
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, 'widgets-photo.png'), fullPage: true });
    await page.close();
  });
});
