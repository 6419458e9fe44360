// The test clock's one rule (SPEC §6): like a payments test clock, simulated time only moves forward.

export type ClockMove =
  { readonly kind: 'move'; readonly to: Date } | { readonly kind: 'refuse'; readonly reason: string };

/** Moving the simulated clock from `now` to `target`: refused when the target is not after now. */
export function decideClockMove(now: Date, target: Date): ClockMove {
  if (target.getTime() < now.getTime())
    return {
      kind: 'refuse',
      reason: `the test clock only moves forward: ${target.toISOString()} is before its current time ${now.toISOString()}`,
    };
  return { kind: 'move', to: target };
}
