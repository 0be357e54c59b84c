import { launchChromium } from '../../site/testing/browser.ts';
import { serveStaticSite } from '../../site/testing/static-server.ts';

export interface CrossOriginLoad {
  /** What widgets.js exported as `widget`, and the id read from the model's manifest, or the browser's error. */
  widget?: unknown;
  manifestId?: unknown;
  error?: string;
}

/**
 * Loads `<assets>/widgets.js` as a module and a model manifest with fetch() from a page on another origin, in
 * Chromium: both only succeed when the asset responses carry Access-Control-Allow-Origin.
 */
export async function loadWidgetCrossOrigin(assetsOrigin: string, modelId: string): Promise<CrossOriginLoad> {
  const html = `<!doctype html><title>blog</title><script type="module">
try {
  const module = await import(${JSON.stringify(`${assetsOrigin}/widgets.js`)});
  const manifest = await (await fetch(${JSON.stringify(`${assetsOrigin}/models/${modelId}/manifest.json`)})).json();
  window.__result = { widget: module.widget, manifestId: manifest.id };
} catch (error) {
  window.__result = { error: String(error) };
}
</script>`;
  const page = await serveStaticSite({ html });
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(page.url);
    const handle = await tab.waitForFunction(() => (window as unknown as { __result?: CrossOriginLoad }).__result, undefined, { timeout: 20_000 });
    return (await handle.jsonValue()) as CrossOriginLoad;
  } finally {
    await browser.close();
    await page.close();
  }
}
