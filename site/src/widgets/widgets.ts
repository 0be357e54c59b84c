/**
 * The widget loader blogs link to: `<script type="module" src="https://…/widgets.js">`. It only defines the custom
 * elements and draws their frames; onnxruntime-web, the core and the model are fetched when a widget scrolls into view.
 */
import { WIDGET_STYLE } from './widget-style.ts';

export type WidgetKind = 'morph' | 'attributes' | 'sample';

/** Where models/ and ort/ live: next to this script, unless the page says otherwise with `assets="…"`. */
const defaultAssets = new URL('./', import.meta.url);

const TITLES: Record<WidgetKind, string> = {
  morph: 'Latent morph',
  attributes: 'Latent attribute edit',
  sample: 'Latent samples',
};

abstract class LatentWidget extends HTMLElement {
  abstract readonly kind: WidgetKind;
  private observer?: IntersectionObserver;
  private started = false;

  connectedCallback(): void {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const label = this.getAttribute('label') ?? TITLES[this.kind];
    root.innerHTML = `<style>${WIDGET_STYLE}</style><figure part="frame" role="group" aria-label="${label.replace(/"/g, '&quot;')}">
      <div class="stage"><canvas part="canvas" role="img" aria-label="${TITLES[this.kind]} output"></canvas></div>
      <div class="controls"></div>
      <figcaption><span class="status" role="status" aria-live="polite">Loads when scrolled into view.</span>
      <progress hidden aria-label="Model download progress"></progress></figcaption></figure>`;
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) this.start();
      },
      { rootMargin: '200px' },
    );
    this.observer.observe(this);
  }

  disconnectedCallback(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  private start(): void {
    if (this.started || !this.shadowRoot) return;
    this.started = true;
    this.observer?.disconnect();
    const assets = new URL(this.getAttribute('assets') ?? defaultAssets.href, document.baseURI);
    const status = this.shadowRoot.querySelector('.status')!;
    status.textContent = 'Loading the model…';
    import('./widget-runtime.ts')
      .then((runtime) => runtime.mountWidget(this.kind, this, this.shadowRoot!, assets))
      .catch((error: unknown) => {
        status.textContent = `This widget could not load: ${error instanceof Error ? error.message : String(error)}`;
        status.classList.add('error');
      });
  }
}

class LatentMorph extends LatentWidget {
  readonly kind = 'morph';
}
class LatentAttributes extends LatentWidget {
  readonly kind = 'attributes';
}
class LatentSample extends LatentWidget {
  readonly kind = 'sample';
}

const definitions: [string, CustomElementConstructor][] = [
  ['latent-morph', LatentMorph],
  ['latent-attributes', LatentAttributes],
  ['latent-sample', LatentSample],
];
// A page may include widgets.js twice (two embeds in one post); defining an element twice would throw.
for (const [name, constructor] of definitions) if (!customElements.get(name)) customElements.define(name, constructor);
