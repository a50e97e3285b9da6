import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/testClock';
import type { PowerSignals } from '../core/platformInterfaces';
import { DEFAULT_IDLE_LIMIT_MS, IdleLock, type Lockable } from './idleLock';
import type { LockReason, ProfileState } from './profileStore';

const MINUTE = 60_000;

/** The OS as the idle lock sees it: input happens when the test says so; screen locks on demand. */
class FakePower implements PowerSignals {
  #lastInputMono: number;
  readonly listeners = new Set<() => void>();
  constructor(private readonly clock: TestClock) {
    this.#lastInputMono = clock.monotonicMs();
  }
  input(): void {
    this.#lastInputMono = this.clock.monotonicMs();
  }
  systemIdleSeconds(): number {
    return Math.floor((this.clock.monotonicMs() - this.#lastInputMono) / 1000);
  }
  onLockOrSuspend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  screenLock(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A profile store reduced to what the idle lock uses. */
class FakeProfiles implements Lockable {
  unlocked: string | null = null;
  readonly locks: LockReason[] = [];
  readonly listeners = new Set<(state: ProfileState) => void>();
  currentProfile() {
    return this.unlocked;
  }
  unlock(profileId: string): void {
    this.unlocked = profileId;
    for (const listener of this.listeners) listener({ unlockedProfileId: profileId, reason: null });
  }
  lock(reason: LockReason): void {
    this.locks.push(reason);
    if (this.unlocked === null) return;
    this.unlocked = null;
    for (const listener of this.listeners) listener({ unlockedProfileId: null, reason });
  }
  onStateChange(listener: (state: ProfileState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function setup() {
  const clock = new TestClock();
  const power = new FakePower(clock);
  const profiles = new FakeProfiles();
  const idle = new IdleLock({ profiles, power, clock });
  profiles.unlock('dr-a');
  return { clock, power, profiles, idle };
}

describe('automatic logoff', () => {
  it('locks after 15 minutes with neither system input nor page activity', () => {
    const { clock, profiles } = setup();
    expect(DEFAULT_IDLE_LIMIT_MS).toBe(15 * MINUTE);
    clock.advance(15 * MINUTE - 1);
    expect(profiles.unlocked).toBe('dr-a');
    clock.advance(1);
    expect(profiles.unlocked).toBeNull();
    expect(profiles.locks).toEqual(['idle']);
  });

  it('stays unlocked while the page reports activity, even if the OS saw no input', () => {
    const { clock, profiles, idle } = setup();
    clock.advance(10 * MINUTE);
    idle.reportActivity();
    clock.advance(15 * MINUTE - 1);
    expect(profiles.unlocked).toBe('dr-a');
    clock.advance(1);
    expect(profiles.locks).toEqual(['idle']);
  });

  it('stays unlocked while the OS sees input (reading, another window), even without page activity', () => {
    const { clock, power, profiles } = setup();
    clock.advance(14 * MINUTE);
    power.input();
    clock.advance(14 * MINUTE);
    expect(profiles.unlocked).toBe('dr-a');
    clock.advance(MINUTE);
    expect(profiles.locks).toEqual(['idle']);
  });

  it('locks at once on OS screen lock, suspend or user switch', () => {
    const { power, profiles } = setup();
    power.screenLock();
    expect(profiles.locks).toEqual(['os-lock']);
    expect(profiles.unlocked).toBeNull();
  });

  it('uses one clock timer, none while locked, and a new count after the next unlock', () => {
    const { clock, power, profiles, idle } = setup();
    for (let minute = 0; minute < 30; minute += 1) {
      idle.reportActivity();
      power.input();
      clock.advance(MINUTE);
      expect(clock.pendingTimers).toBe(1);
    }
    profiles.lock('manual');
    expect(clock.pendingTimers).toBe(0);
    clock.advance(60 * MINUTE);
    profiles.unlock('dr-b');
    clock.advance(15 * MINUTE - 1);
    expect(profiles.unlocked).toBe('dr-b');
    clock.advance(1);
    expect(profiles.unlocked).toBeNull();
  });

  it('honours a policy limit, and stops everything on dispose', () => {
    const clock = new TestClock();
    const power = new FakePower(clock);
    const profiles = new FakeProfiles();
    profiles.unlocked = 'dr-a';
    const idle = new IdleLock({ profiles, power, clock, idleLimitMs: 5 * MINUTE });
    clock.advance(5 * MINUTE);
    expect(profiles.locks).toEqual(['idle']);
    profiles.unlock('dr-a');
    idle.dispose();
    expect(clock.pendingTimers).toBe(0);
    expect(power.listeners.size).toBe(0);
    expect(profiles.listeners.size).toBe(0);
    clock.advance(60 * MINUTE);
    expect(profiles.unlocked).toBe('dr-a');
  });
});
