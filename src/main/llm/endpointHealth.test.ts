import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/testClock';
import { createEndpointHealth } from './endpointHealth';

describe('endpoint health', () => {
  it('passes a failed endpoint over for exactly the cooldown, keeping it as a last resort', () => {
    const clock = new TestClock();
    const health = createEndpointHealth(clock, 30_000);
    health.markUnhealthy('a');
    expect(health.order(['a', 'b', 'c'])).toEqual(['b', 'c', 'a']);
    clock.advance(29_999);
    expect(health.isHealthy('a')).toBe(false);
    clock.advance(1);
    expect(health.isHealthy('a')).toBe(true);
    expect(health.order(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('rests an endpoint longer when asked (a long Retry-After), and forgives it when it answers', () => {
    const clock = new TestClock();
    const health = createEndpointHealth(clock, 30_000);
    health.markUnhealthy('a', 120_000);
    clock.advance(60_000);
    expect(health.isHealthy('a')).toBe(false);
    health.markHealthy('a');
    expect(health.isHealthy('a')).toBe(true);
  });
});
