import { afterEach, describe, expect, it, vi } from 'vitest';
import { coalesced } from './coalesce.ts';

/** Animation frames run only when the test says so: settle what is pending, run the frame, settle again. */
const frames: (() => void)[] = [];
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const nextFrame = async () => {
  await settle();
  frames.splice(0).forEach((callback) => callback());
  await settle();
};

describe('coalesced redraws', () => {
  vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
  afterEach(() => void frames.splice(0));

  it('draws once per animation frame however many inputs fire', async () => {
    const draw = vi.fn();
    const request = coalesced(draw);
    for (let i = 0; i < 5; i++) request();
    await nextFrame();
    expect(draw).toHaveBeenCalledTimes(1);
    await nextFrame();
    expect(draw).toHaveBeenCalledTimes(1);
  });

  it('never overlaps draws: inputs during a slow draw make exactly one more, after it', async () => {
    let finish = () => {};
    let running = 0;
    let most = 0;
    const draw = vi.fn(async () => {
      most = Math.max(most, ++running);
      await new Promise<void>((resolve) => (finish = resolve));
      running--;
    });
    const request = coalesced(draw);
    request();
    await nextFrame();
    request();
    request();
    await nextFrame();
    expect(draw).toHaveBeenCalledTimes(1);
    finish();
    await nextFrame();
    expect(draw).toHaveBeenCalledTimes(2);
    finish();
    await nextFrame();
    expect(draw).toHaveBeenCalledTimes(2);
    expect(most).toBe(1);
  });
});
