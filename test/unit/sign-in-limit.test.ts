// The failed-sign-in rule, step by step: when a key is paused and for how long, and which keys a sign-in has.
import { expect } from 'chai';
import { limitKeys, signInWaitMs, waitSeconds } from '../../src/rules/sign-in-limit.ts';

describe('the failed-sign-in rule', () => {
  const limit = { maxFailures: 10, windowMs: 900_000 };
  const now = new Date('2026-03-01T12:00:00Z');
  const ago = (ms: number): Date => new Date(now.getTime() - ms);

  it('allows a key with fewer failures than the limit in the window', () => {
    expect(signInWaitMs(null, limit, now)).to.equal(0);
  });

  it('pauses a key until its limit-th most recent failure leaves the window', () => {
    expect(signInWaitMs(ago(60_000), limit, now)).to.equal(840_000);
    expect(waitSeconds(840_000)).to.equal(840);
    expect(signInWaitMs(ago(900_000), limit, now)).to.equal(0);
  });

  it('rounds a wait up to whole seconds, never to 0 while paused', () => {
    expect(waitSeconds(1)).to.equal(1);
    expect(waitSeconds(1001)).to.equal(2);
  });

  it('a limit of 0 never pauses', () => {
    expect(signInWaitMs(now, { maxFailures: 0, windowMs: 900_000 }, now)).to.equal(0);
  });

  it('a token sign-in has only the address key; user names are one key whatever their case and spaces', () => {
    expect(limitKeys({ ip: '10.0.0.1', username: null }).map((k) => k.scope)).to.deep.equal(['ip']);
    expect(limitKeys({ ip: '10.0.0.1', username: '  ' }).map((k) => k.scope)).to.deep.equal(['ip']);
    const [, a] = limitKeys({ ip: '10.0.0.1', username: ' Alice ' });
    const [, b] = limitKeys({ ip: '10.0.0.2', username: 'alice' });
    expect(a!.hash.equals(b!.hash)).to.equal(true);
  });
});
