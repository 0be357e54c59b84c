import { describe, expect, it } from 'vitest';
import { elementSnippet, iframeSnippet, normaliseSpec } from './embed-snippet.ts';

describe('embed snippets', () => {
  it('keeps only the attributes a widget understands and drops empty ones', () => {
    const spec = normaliseSpec('morph', { model: 'faces', a: ' https://blog/a.jpg ', b: '', seed: '3', onload: 'x' });
    expect(spec).toEqual({ widget: 'morph', attributes: { model: 'faces', a: 'https://blog/a.jpg' } });
  });

  it('falls back to the sample widget for an unknown widget name', () => {
    expect(normaliseSpec('<script>', { model: 'digits' }).widget).toBe('sample');
  });

  it('escapes attribute values so a URL cannot break out of the tag', () => {
    const snippet = elementSnippet(normaliseSpec('morph', { model: 'faces', a: 'x"><script>alert(1)</script>' }), 'https://lab/widgets.js');
    expect(snippet).toContain('a="x&quot;>&lt;script>alert(1)&lt;/script>"');
    expect(snippet.startsWith('<script type="module" src="https://lab/widgets.js"></script>\n<latent-morph ')).toBe(true);
  });

  it('puts the same settings into the iframe fallback URL', () => {
    const html = iframeSnippet(normaliseSpec('attributes', { model: 'faces', attribute: 'Smiling' }), 'https://lab/embed/frame/');
    expect(html).toContain('src="https://lab/embed/frame/?widget=attributes&amp;model=faces&amp;attribute=Smiling"');
    expect(html).toContain('title="latentlab attributes widget"');
  });

  it('passes a share link\'s codes and position through to the widget', () => {
    const spec = normaliseSpec('morph', { model: 'faces', 'a-code': 'AAAA', 'b-code': 'BBBB', t: '0.25' });
    expect(spec.attributes).toEqual({ model: 'faces', 'a-code': 'AAAA', 'b-code': 'BBBB', t: '0.25' });
  });
});
