import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodedFacePhoto } from '../edge/testing/decoded-face.ts';
import { startBrowserSession, testArtifacts, type BrowserSession } from './testing/browser-session.ts';
import { seriousAxeFindings } from './testing/page-checks.ts';
import { writeFaceJpeg } from './testing/site-fixture.ts';
import { serveStaticSite, type RunningServer } from './testing/static-server.ts';

/** The tools as a visitor uses them: share links, clamp notes, downloads worth keeping, big photos, phone layout. */
let session: BrowserSession;
let blog: RunningServer | undefined;

beforeAll(async () => {
  session = await startBrowserSession(testArtifacts(path.dirname(fileURLToPath(import.meta.url)), 'tools'));
});

afterAll(async () => {
  await blog?.close();
  await session?.close();
});

async function open(pathname: string, width = 1280): Promise<Page> {
  const page = await session.context.newPage();
  await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
  await page.goto(pathname.startsWith('http') ? pathname : `${session.server.url}/${pathname}`);
  await page.waitForSelector('html[data-model-ready]', { timeout: 30_000 });
  return page;
}

const pixels = (canvas: Locator) => canvas.evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data));

/** Mean absolute difference of two canvases' pixels (0..255): float16 codes decode a level or so off at most. */
async function pictureDistance(a: Locator, b: Locator): Promise<number> {
  const [x, y] = await Promise.all([pixels(a), pixels(b)]);
  expect(x.length).toBe(y.length);
  return x.reduce((sum, v, i) => sum + Math.abs(v - y[i]), 0) / x.length;
}

/** Waits until the address bar holds all of `keys` (share links are written a moment after the change). */
const sharedUrl = async (page: Page, keys: string[]) => {
  await expect.poll(() => keys.every((key) => new URL(page.url()).searchParams.has(key))).toBe(true);
  return page.url();
};

describe('site tools in chromium', () => {
  it('a morph share link round-trips: model, both codes, position and path', async () => {
    const page = await open('morph/');
    await page.locator('#morph-t').fill('0.3');
    await page.check('input[name="morph-path"][value="spherical"]');
    await expect.poll(() => new URL(page.url()).searchParams.get('path')).toBe('spherical');
    const link = await sharedUrl(page, ['model', 'a', 'b', 't']);
    expect(new URL(link).searchParams.get('t')).toBe('0.3');
    console.log(`morph share link of the fixture model: ${new URL(link).search.length} characters of query`);

    const again = await open(link);
    await expect.poll(() => again.locator('#morph-t').inputValue()).toBe('0.3');
    expect(await again.isChecked('input[name="morph-path"][value="spherical"]')).toBe(true);
    await expect.poll(() => again.textContent('[data-image-source="morph-a"] [data-source-status]')).toContain('share link');
    await expect.poll(async () => Number(await again.locator('#morph-canvas').getAttribute('data-frames'))).toBeGreaterThan(0);
    expect(await pictureDistance(page.locator('#morph-canvas'), again.locator('#morph-canvas'))).toBeLessThan(2);
    await Promise.all([page.close(), again.close()]);
  });

  it('an attributes share link restores the edit; the copied call keeps raw names and grid values, and Reset leaves no 2e-16', async () => {
    const page = await open('attributes/');
    const slider = page.locator('#attr-sliders input[type="range"]').first();
    const name = (await slider.getAttribute('data-attribute'))!;
    await slider.fill('0.9');
    const link = await sharedUrl(page, ['model', 'z', 'edit']);
    expect(new URL(link).searchParams.get('edit')).toBe(`${name}:0.9`);
    await page.click('#attr-api');
    expect(await page.textContent('#attr-api-code')).toContain(`"attributes":{"${name}":0.9}`);

    const again = await open(link);
    await expect.poll(() => again.locator(`#attr-${name}`).inputValue()).toBe('0.9');
    await expect.poll(async () => Number(await again.locator('#attr-canvas').getAttribute('data-renders'))).toBeGreaterThan(0);
    expect(await pictureDistance(page.locator('#attr-canvas'), again.locator('#attr-canvas'))).toBeLessThan(2);

    await page.click('#attr-reset');
    await expect.poll(() => page.textContent('#attr-api-code')).not.toContain(`"${name}":0.9`);
    const call = (await page.textContent('#attr-api-code'))!;
    expect(call).not.toMatch(/\de-\d/);
    const outputs = await page.locator('#attr-sliders output').allTextContents();
    expect(outputs.every((text) => !text.startsWith('-') && Number(text) === 0)).toBe(true);
    await Promise.all([page.close(), again.close()]);
  });

  it('generate: a share link restores seed and temperature; a seed out of range is clamped with a visible note; downloads are 256 px', async () => {
    const page = await open('generate/?seed=7&temperature=0.5');
    expect(await page.inputValue('#gen-seed')).toBe('7');
    expect(await page.textContent('#gen-temperature-out')).toBe('0.50');
    await page.fill('#gen-seed', '99999999999');
    await page.locator('#gen-temperature').focus();
    await expect.poll(() => page.locator('#gen-seed-note').textContent()).toContain('at most 4294967295');
    expect(await page.locator('#gen-seed-note').isVisible()).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#gen-download')]);
    const png = await sharp(await readFile((await download.path())!)).metadata();
    expect([png.width, png.height]).toEqual([8 * 256, 256]);
    await page.close();
  });

  it('morph: 100 frames become 32 with a note, and the GIF has 256-pixel frames', async () => {
    const page = await open('morph/');
    await page.fill('#morph-frames', '100');
    await page.locator('#morph-frames').blur();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#morph-gif')]);
    await expect.poll(() => page.locator('#morph-frames-note').textContent()).toContain('Frames 100 is out of range (at most 32');
    expect(await page.inputValue('#morph-frames')).toBe('32');
    const gif = await readFile((await download.path())!);
    // GIF logical screen width and height, little-endian, right after "GIF89a".
    expect([gif.readUInt16LE(6), gif.readUInt16LE(8)]).toEqual([256, 256]);
    await page.click('#morph-api');
    expect(await page.textContent('#morph-api-code')).toContain('frames=32&path=linear&format=gif&size=256');
    await page.close();
  });

  it('a 50-megapixel JPEG is downscaled in the browser, its face found and edited', async () => {
    const file = path.join(session.site.root, 'big.jpg');
    const small = decodedFacePhoto(640, 480, 4);
    await sharp(small.data, { raw: { width: 640, height: 480, channels: 4 } }).resize(8192, 6144).jpeg({ quality: 85 }).toFile(file);
    const page = await open('attributes/');
    await page.selectOption('[data-model-select]', session.site.faceModelId);
    await page.waitForSelector(`html[data-model-ready="${session.site.faceModelId}"]`, { timeout: 30_000 });
    const status = page.locator('[data-image-source="attr-source"] [data-source-status]');
    /** Upload to "Face found" on screen, in ms. */
    const timeUpload = async (upload: string, found: RegExp) => {
      const started = Date.now();
      await page.setInputFiles('#attr-source-file', upload);
      await expect.poll(() => status.textContent(), { timeout: 60_000, interval: 50 }).toMatch(found);
      return Date.now() - started;
    };
    const phoneFile = await writeFaceJpeg(path.join(session.site.root, 'phone.jpg'));
    const phoneFound = /^Face found in phone\.jpg \(640×480\)/;
    // The first upload also fetches and warms the face aligner: timed uploads come after it.
    await timeUpload(phoneFile, phoneFound);
    const big = await timeUpload(file, /^Face found in big\.jpg \(8192×6144, downscaled here to 2364×1773\)/);
    await expect.poll(() => page.locator('#attr-canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([2364, 1773]);
    const crop = page.locator('[data-image-source="attr-source"] [data-source-photo]');
    // The honest panel: the aligned face at its own resolution beside the model's reconstruction.
    expect(await crop.isVisible()).toBe(true);
    expect(await crop.evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(64);
    const phone = await timeUpload(phoneFile, phoneFound);
    console.log(`upload to face found (fixture face model, aligner warm): 640×480 JPEG ${phone} ms, 8192×6144 JPEG ${big} ms (${(big / phone).toFixed(1)}× the small one)`);
    await page.close();
  });

  it('teach an attribute from 2 + 2 photos: its own slider moves the picture and the copied call names it custom:', async () => {
    const write = async (name: string, centerX: number, shaded: boolean) => {
      const photo = decodedFacePhoto(480, 360, 3, centerX, 180);
      // "Sunglasses": a dark band across the eye line of the enlarged face.
      if (shaded) for (let y = 150; y < 175; y++) for (let x = centerX - 60; x < centerX + 60; x++) photo.data.fill(20, 4 * (y * 480 + x), 4 * (y * 480 + x) + 3);
      const file = path.join(session.site.root, name);
      await sharp(photo.data, { raw: { width: 480, height: 360, channels: 4 } }).png().toFile(file);
      return file;
    };
    const page = await open('attributes/');
    await page.selectOption('[data-model-select]', session.site.faceModelId);
    await page.waitForSelector(`html[data-model-ready="${session.site.faceModelId}"]`, { timeout: 30_000 });
    await page.setInputFiles('#teach-positive', [await write('shaded-1.png', 230, true), await write('shaded-2.png', 250, true)]);
    await page.setInputFiles('#teach-negative', [await write('plain-1.png', 230, false)]);
    await page.click('#teach-button');
    await expect.poll(() => page.locator('#teach-status').textContent()).toMatch(/Choose 2–64 photos for each side \(now 2 with it, 1 without\)/);
    await page.setInputFiles('#teach-negative', [await write('plain-1.png', 230, false), await write('plain-2.png', 250, false)]);
    await page.fill('#teach-name', 'Sunglasses');
    await page.click('#teach-button');
    await expect.poll(() => page.locator('#teach-status').textContent(), { timeout: 60_000 }).toMatch(/^Taught "Sunglasses" from 2 \+ 2 photos; \d+ % of them/);
    const slider = page.locator('fieldset[data-taught] input[type="range"]');
    expect(await slider.count()).toBe(1);
    expect(await page.locator('fieldset[data-taught] label').textContent()).toBe('Sunglasses');
    await page.setInputFiles('#attr-source-file', await write('subject.png', 240, false));
    const canvas = page.locator('#attr-canvas');
    await expect.poll(() => canvas.getAttribute('data-renders'), { timeout: 30_000 }).not.toBeNull();
    const before = await pixels(canvas);
    await slider.fill('2');
    await expect.poll(async () => (await pixels(canvas)).some((v, i) => v !== before[i]), { timeout: 30_000 }).toBe(true);
    await page.click('#attr-api');
    await expect.poll(() => page.locator('#attr-api-code').textContent()).toMatch(/custom:[A-Za-z0-9_-]{40,}/);
    await page.locator('section[aria-labelledby="teach-heading"]').screenshot({ path: path.join(session.artifacts, 'teach-1280.png') });
    // The share link carries the taught attribute as its token, and gives it its slider back.
    await sharedUrl(page, ['model', 'z', 'edit']);
    await expect.poll(() => new URL(page.url()).searchParams.get('edit')).toMatch(/^custom:[A-Za-z0-9_-]+:2$/);
    const link = page.url();
    await page.close();
    const opened = await open(link);
    await expect.poll(() => opened.locator('fieldset[data-taught] input[type="range"]').inputValue().catch(() => ''), { timeout: 30_000 }).toBe('2');
    await opened.close();
  });

  it('attributes at 390 and 1280 px: equal slider widths, no label over a slider, the picture stays in view; morph and generate fit 390 px; no serious axe findings', async () => {
    for (const width of [390, 1280]) {
      const page = await open('attributes/', width);
      await page.waitForSelector('#attr-sliders input[type="range"]');
      const boxes = await page.locator('#attr-sliders .slider').evaluateAll((rows) =>
        rows.map((row) => {
          const [label, input] = [row.querySelector('label')!, row.querySelector('input')!].map((e) => e.getBoundingClientRect());
          const overlap = label.right > input.left && label.left < input.right && label.bottom > input.top && label.top < input.bottom;
          return { width: Math.round(input.width), overlap };
        }),
      );
      expect(new Set(boxes.map((b) => b.width)).size).toBe(1);
      expect(boxes.some((b) => b.overlap)).toBe(false);
      const strength = await page.locator('.slider:has(#arith-extra-strength)').evaluate((row) => {
        const [label, input] = [row.querySelector('label')!, row.querySelector('input')!].map((e) => e.getBoundingClientRect());
        return label.right <= input.left || label.bottom <= input.top;
      });
      expect(strength).toBe(true);
      await page.locator('#attr-sliders input[type="range"]').last().scrollIntoViewIfNeeded();
      const picture = await page.locator('#attr-canvas').boundingBox();
      expect(picture!.y).toBeGreaterThanOrEqual(-1);
      expect(picture!.y).toBeLessThan(width > 500 ? 900 : 844);
      await page.screenshot({ path: path.join(session.artifacts, `attributes-sliding-${width}.png`) });
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      expect(await seriousAxeFindings(page)).toEqual([]);
      await page.close();
    }
    for (const pathname of ['morph/', 'generate/']) {
      const page = await open(pathname, 390);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      expect(await seriousAxeFindings(page)).toEqual([]);
      await page.screenshot({ path: path.join(session.artifacts, `${pathname.replace('/', '')}-390.png`), fullPage: true });
      await page.close();
    }
  });

  it('widgets take codes from a share link and link back to the page with their state', async () => {
    const page = await open('morph/');
    const link = new URL(await sharedUrl(page, ['a', 'b']));
    await page.close();
    const [a, b] = ['a', 'b'].map((key) => link.searchParams.get(key));
    blog = await serveStaticSite({
      html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog post</title>
        <script type="module" src="${session.server.url}/widgets.js"></script></head>
        <body><main><h1>My post</h1>
        <latent-morph model="${session.site.modelId}" a-code="${a}" b-code="${b}" t="0.25"></latent-morph>
        <latent-sample model="${session.site.modelId}" temperature="5"></latent-sample>
        </main></body></html>`,
    });
    const post = await session.context.newPage();
    await post.goto(blog.url);
    await post.waitForSelector('latent-morph[data-ready="true"]', { timeout: 30_000 });
    expect(await post.locator('latent-morph input[type="range"]').inputValue()).toBe('0.25');
    const back = new URL((await post.locator('latent-morph a').getAttribute('href'))!);
    expect([back.pathname, back.searchParams.get('a'), back.searchParams.get('b'), back.searchParams.get('t')]).toEqual(['/morph/', a, b, '0.25']);
    await post.waitForSelector('latent-sample[data-ready="true"]', { timeout: 30_000 });
    expect(await post.locator('latent-sample .status').textContent()).toContain('temperature="5": 5 is out of range (at most 2');
    expect(await seriousAxeFindings(post)).toEqual([]);
    await post.screenshot({ path: path.join(session.artifacts, 'widgets.png'), fullPage: true });
    await post.close();
  });
});
