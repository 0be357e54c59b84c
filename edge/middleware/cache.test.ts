import { describe, expect, it } from 'vitest';
import { ifNoneMatchHits } from './cache.ts';

describe('ifNoneMatchHits', () => {
  it('compares entity tags weakly, in lists, and honours *', () => {
    const etag = '"abc"';
    expect(ifNoneMatchHits('"abc"', etag)).toBe(true);
    expect(ifNoneMatchHits('W/"abc"', etag)).toBe(true);
    expect(ifNoneMatchHits('"x", W/"abc" ,"y"', etag)).toBe(true);
    expect(ifNoneMatchHits('"a,b", "abcd"', etag)).toBe(false);
    expect(ifNoneMatchHits(' * ', etag)).toBe(true);
    expect(ifNoneMatchHits('abc', etag)).toBe(false);
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
  });
});
