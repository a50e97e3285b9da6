import { describe, expect, it } from 'vitest';
import { watchActivity } from './activity';

describe('watchActivity', () => {
  it('notices keys, pointer presses and the wheel, not other events, until stopped', () => {
    const target = new EventTarget();
    let seen = 0;
    const stop = watchActivity(target, () => seen++);
    for (const type of ['keydown', 'pointerdown', 'wheel']) target.dispatchEvent(new Event(type));
    target.dispatchEvent(new Event('pointermove'));
    target.dispatchEvent(new Event('focus'));
    expect(seen).toBe(3);
    stop();
    target.dispatchEvent(new Event('keydown'));
    expect(seen).toBe(3);
  });
});
