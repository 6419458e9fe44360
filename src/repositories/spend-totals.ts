// Sums of recorded spend (account_events of kind 'spend'), as GetAccountMonthlySpend reads them.
import type { Knex } from 'knex';
import { OT } from './offers.ts';

/** Total spend recorded for the account with `from <= at < to`, in minor units as a decimal string ('0' if none). */
export async function spendTotalMinor(knex: Knex, accountId: string, from: Date, to: Date): Promise<string> {
  const row = (await knex(OT.events)
    .where({ account_id: accountId, kind: 'spend' })
    .andWhere('at', '>=', from)
    .andWhere('at', '<', to)
    .sum({ total: 'amount_minor' })
    .first()) as { total: string | number | null } | undefined;
  return row?.total == null ? '0' : String(row.total);
}
