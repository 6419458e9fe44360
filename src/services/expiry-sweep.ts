// The expiry sweep: offers expire (and pending ones activate) at their instant whether or not anyone calls in.
// Reads already show the state as of now (account-events.ts advances in memory); the sweep records those
// time-driven transitions in the ledger. Instances share the work: each account is taken with
// FOR UPDATE SKIP LOCKED on its row, the same lock every account event takes, so no transition is recorded twice.
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { advance, nextDueTransition } from '../rules/index.ts';
import { lockAccountIfFree } from '../repositories/accounts.ts';
import { accountsDueBy, appendEntries, saveState, storedState } from '../repositories/offers.ts';
import { inTransaction } from '../repositories/transaction.ts';
import { insertionOrderStep } from './insertion-order-sweep.ts';
import { closeMonthsLogged } from './billing-close.ts';

/** Records every transition due by `now`; returns how many accounts were advanced. */
export async function sweepExpiries(knex: Knex, now: Date, batch = 200): Promise<number> {
  const due = await accountsDueBy(knex, now, batch);
  let advanced = 0;
  for (const accountId of due) {
    const done = await inTransaction(knex, async (tx) => {
      if (!(await lockAccountIfFree(tx, accountId))) return false; // another instance (or an event) has it now
      const state = await storedState(tx, accountId);
      if (!state || state.asOf >= now.getTime()) return false;
      const step = advance(state, now.getTime());
      await appendEntries(tx, accountId, step.entries);
      await saveState(tx, accountId, step.state, nextDueTransition(step.state));
      return true;
    });
    if (done) advanced++;
  }
  return advanced;
}

export interface Sweeper {
  stop(): Promise<void>;
}

export function startExpirySweep(deps: { knex: Knex; clock: Clock; log: Logger; intervalMs: number }): Sweeper {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = (): void => {
    running = (async () => {
      try {
        const now = await deps.clock.now();
        const n = await sweepExpiries(deps.knex, now);
        if (n > 0) deps.log.info('expiry sweep', { accounts: n });
        await insertionOrderStep(deps.knex, now, deps.log);
        await closeMonthsLogged(deps.knex, now, deps.log);
      } catch (e) {
        deps.log.warn('expiry sweep failed', { error: e instanceof Error ? e.message : String(e) });
      }
      if (!stopped) timer = setTimeout(tick, deps.intervalMs);
    })();
  };
  timer = setTimeout(tick, deps.intervalMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
