import { describe, expect, it } from 'vitest';
import { attributesApiCall, morphApiCall, sampleApiCall } from './api-calls.ts';

const latent = new Float32Array([0.12345, -1]);

describe('API calls shown by the pages', () => {
  it('sends an edited photo itself and saves the answer in its format, relying on the API defaults', () => {
    const text = attributesApiCall('https://x', 'faces', latent, { Smiling: 1 }, { name: "me o'neil.jpg", format: 'jpeg' });
    expect(text).toContain("-F 'image=@me o'\\''neil.jpg'");
    expect(text).toContain('-o edited.jpg');
    expect(text).toContain('detail=keep&output=photo');
    // The defaults already give what the page shows: no query parameters to add.
    expect(text).toContain("curl -X POST 'https://x/v1/models/faces/attributes' \\");
    expect(text).toContain('"latent":[0.1235,-1]');
  });

  it('names a PNG for a sample or a PNG upload', () => {
    expect(attributesApiCall('https://x', 'faces', latent, { Smiling: 1 })).toContain('-o edited.png');
    expect(attributesApiCall('https://x', 'faces', latent, { Smiling: 1 }, { name: 'a.png', format: 'png' })).toContain('-o edited.png');
  });

  it('morphs the uploaded photos by name when the page shows their sharp frames', () => {
    const text = morphApiCall('https://x', 'faces', { a: latent, b: latent, frames: 12, path: 'linear', photos: ['a.jpg', 'b.jpg'] });
    expect(text).toContain("-F 'a=@a.jpg' -F 'b=@b.jpg'");
    expect(text).toContain('detail=keep');
    expect(text).not.toContain('detail=keep&');
  });

  it('asks for the decoder\'s pictures at the download size, leaving resample to the API default (bilinear)', () => {
    expect(morphApiCall('https://x', 'digits', { a: latent, b: latent, frames: 12, path: 'spherical' })).toContain('/morph?frames=12&path=spherical&format=gif&size=256');
    expect(attributesApiCall('https://x', 'faces', latent, { Young: -1.5 })).toContain("'https://x/v1/models/faces/attributes?size=256'");
    expect(sampleApiCall('https://x', 'faces', 42, 8, 1)).toBe("curl 'https://x/v1/models/faces/sample?seed=42&n=8&temperature=1&size=256' -o samples.png");
    expect(morphApiCall('https://x', 'digits', { a: latent, b: latent, frames: 12, path: 'linear' })).not.toContain('resample');
  });
});
