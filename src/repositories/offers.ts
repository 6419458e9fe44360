// Account events, the materialised engine state per account, and the append-only ledger.
import type { Knex } from 'knex';
import type { AccountEvent, AccountState, LedgerEntry, OfferTerms } from '../rules/index.ts';
import { preparedArrays } from './prepared.ts';
import { T } from './tables.ts';

export const OT = { events: 'account_events', states: 'account_states', ledger: 'ledger_entries' } as const;

export type EventKind = AccountEvent['kind'];
export interface DbEventRow {
  id: string;
  account_id: string;
  kind: EventKind;
  at: Date;
  coupon_id: string | null;
  amount_minor: string | null;
  terms: OfferTerms | null;
  transaction_id: string | null;
  recorded_at: Date;
}

/** A stored account event as services see it; `id` is its arrival order. */
export interface StoredEvent {
  readonly id: string;
  readonly accountId: string;
  readonly kind: EventKind;
  readonly at: Date;
  readonly couponId: string | null;
  readonly amountMinor: string | null;
  readonly terms: OfferTerms | null;
  readonly transactionId: string | null;
  readonly recordedAt: Date;
}

function toStoredEvent(r: DbEventRow): StoredEvent {
  return {
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    at: r.at,
    couponId: r.coupon_id,
    amountMinor: r.amount_minor,
    terms: r.terms,
    transactionId: r.transaction_id,
    recordedAt: r.recorded_at,
  };
}
interface DbLedgerRow {
  id: string;
  entry_key: string;
  kind: string;
  at: Date;
  coupon_id: string | null;
  spend_event_id: string | null;
  amount_minor: string;
  status_from: string | null;
  status_to: string | null;
}

export interface NewEvent {
  readonly kind: EventKind;
  readonly at: Date;
  readonly couponId?: string | null;
  readonly amountMinor?: number | null;
  readonly terms?: OfferTerms | null;
  /** A spend's idempotency key, unique per account (SPEC §6 --transaction-id). */
  readonly transactionId?: string | null;
}

/** Appends events (in the given order, which becomes their arrival order) and returns the stored rows. */
export async function insertEvents(
  tx: Knex.Transaction,
  accountId: string,
  events: readonly NewEvent[],
): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for (let i = 0; i < events.length; i += 1000) {
    const rows = (await tx(OT.events).insert(
      events.slice(i, i + 1000).map((e) => ({
        account_id: accountId,
        kind: e.kind,
        at: e.at,
        coupon_id: e.couponId ?? null,
        amount_minor: e.amountMinor ?? null,
        terms: e.terms ? JSON.stringify(e.terms) : null,
        transaction_id: e.transactionId ?? null,
      })),
      '*',
    )) as DbEventRow[];
    out.push(...rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)).map(toStoredEvent));
  }
  return out;
}

/** The ids of the account's events already recorded under these transaction ids (transaction id → event id). */
export async function findTransactions(
  tx: Knex.Transaction,
  accountId: string,
  transactionIds: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < transactionIds.length; i += 1000) {
    const rows = (await tx(OT.events)
      .where({ account_id: accountId })
      .whereIn('transaction_id', transactionIds.slice(i, i + 1000))
      .select('id', 'transaction_id')) as { id: string; transaction_id: string }[];
    for (const r of rows) out.set(r.transaction_id, r.id);
  }
  return out;
}

/** The engine's view of a stored event; `seq` is the arrival id, which orders events at the same instant. */
export function toEngineEvent(r: StoredEvent): AccountEvent {
  const at = r.at.getTime();
  const seq = Number(r.id);
  switch (r.kind) {
    case 'claim':
    case 'redeem':
      return { kind: r.kind, at, seq, terms: r.terms! };
    case 'paymentMethodAdded':
      return { kind: r.kind, at, seq };
    case 'spend':
      return { kind: r.kind, at, seq, spendId: r.id, amount: Number(r.amountMinor) };
    case 'revoke':
      return { kind: r.kind, at, seq, couponId: r.couponId! };
  }
}

/** The account's events in time order (arrival order within an instant). */
export async function loadEvents(db: Knex, accountId: string): Promise<StoredEvent[]> {
  const rows = (await db(OT.events)
    .where({ account_id: accountId })
    .orderBy([{ column: 'at' }, { column: 'id' }])) as DbEventRow[];
  return rows.map(toStoredEvent);
}

/**
 * The stored engine states of the accounts. One statement text whatever the number of accounts (the ids bound as
 * one array), prepared once per connection, each row read as an array: GetCouponInfo reads a customer's every
 * account on each call.
 */
export async function loadStates(knex: Knex, accountIds: readonly string[]): Promise<Map<string, AccountState>> {
  const out = new Map<string, AccountState>();
  if (accountIds.length === 0) return out;
  // One primary-key lookup per id (LATERAL, OFFSET 0 keeps it a lookup): a generic plan cannot see the array's
  // length, and with `= ANY(?)` or a join it scanned all of account_states (test/integration/tenant-plans.test.ts).
  const rows = await preparedArrays(
    knex,
    `SELECT k.id AS account_id, s.state FROM unnest(?::bigint[]) AS k(id)
       CROSS JOIN LATERAL (SELECT state FROM ${OT.states} WHERE account_id = k.id OFFSET 0) s`,
    [[...new Set(accountIds)]],
  );
  for (const [accountId, state] of rows) out.set(accountId as string, withPercentCarry(state as AccountState));
  return out;
}

/** Stores the account's state with the instant of its next due transition (nextDueTransition), which the sweep reads. */
export async function saveState(
  tx: Knex.Transaction,
  accountId: string,
  state: AccountState,
  due: number | null,
): Promise<void> {
  await upsertState(tx, accountId, state, due);
}

/** The upsert of an account's state (not yet sent): saveState awaits it, saveStateWithEntries embeds it. */
function upsertState(tx: Knex.Transaction, accountId: string, state: AccountState, due: number | null) {
  const saved = {
    state: JSON.stringify(state),
    next_due_at: due === null ? null : new Date(due),
    updated_at: tx.fn.now(),
  };
  return tx(OT.states)
    .insert({ account_id: accountId, ...saved })
    .onConflict('account_id')
    .merge({
      ...saved,
      // Every save is a new version: redeem_commit writes only on the version its decision read.
      version: tx.raw('?? + 1', [`${OT.states}.version`]),
    });
}

export function entryRow(accountId: string, e: LedgerEntry): Record<string, unknown> {
  return {
    account_id: accountId,
    entry_key: e.key,
    kind: e.kind,
    at: new Date(e.at),
    coupon_id: e.couponId,
    spend_event_id: e.spendId,
    amount_minor: e.amount,
    status_from: e.kind === 'status' ? e.from : null,
    status_to: e.kind === 'status' ? e.to : null,
  };
}

/**
 * Up to `batch` accounts whose next due transition is at or before `now`, earliest first.
 */
export async function accountsDueBy(knex: Knex, now: Date, batch: number): Promise<string[]> {
  return (await knex(OT.states)
    .where('next_due_at', '<=', now)
    .orderBy('next_due_at')
    .limit(batch)
    .pluck('account_id')) as string[];
}

/** The stored engine state of one account, as saved (no percentCarry upgrade: the sweep only advances it). */
export async function storedState(tx: Knex.Transaction, accountId: string): Promise<AccountState | undefined> {
  const row = (await tx(OT.states).where({ account_id: accountId }).first('state')) as
    { state: AccountState } | undefined;
  return row?.state;
}

export async function appendEntries(
  tx: Knex.Transaction,
  accountId: string,
  entries: readonly LedgerEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += 500)
    await tx(OT.ledger).insert(entries.slice(i, i + 500).map((e) => entryRow(accountId, e)));
}

const sameEntry = (row: DbLedgerRow, e: LedgerEntry): boolean =>
  row.kind === e.kind &&
  row.at.getTime() === e.at &&
  Number(row.amount_minor) === e.amount &&
  row.coupon_id === e.couponId &&
  row.spend_event_id === e.spendId &&
  (e.kind !== 'status' || (row.status_from === e.from && row.status_to === e.to));

/**
 * Makes the ledger's effective entries (those not reversed) equal to `entries`, by appending: a reversal for
 * every effective entry the replay no longer produces, and the entries it newly produces.
 */
export async function reconcileLedger(
  tx: Knex.Transaction,
  accountId: string,
  entries: readonly LedgerEntry[],
): Promise<void> {
  const effective = (await tx.raw(
    `SELECT e.id, e.entry_key, e.kind, e.at, e.coupon_id, e.spend_event_id, e.amount_minor, e.status_from, e.status_to
       FROM ${OT.ledger} e
      WHERE e.account_id = ? AND e.reverses_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM ${OT.ledger} r WHERE r.reverses_id = e.id)`,
    [accountId],
  )) as { rows: DbLedgerRow[] };
  const byKey = new Map(effective.rows.map((r) => [r.entry_key, r]));
  const fresh: LedgerEntry[] = [];
  for (const e of entries) {
    const old = byKey.get(e.key);
    if (old && sameEntry(old, e)) byKey.delete(e.key);
    else fresh.push(e);
  }
  const reversals = [...byKey.values()].map((r) => ({
    account_id: accountId,
    entry_key: r.entry_key,
    kind: r.kind,
    at: r.at,
    coupon_id: r.coupon_id,
    spend_event_id: r.spend_event_id,
    amount_minor: -Number(r.amount_minor),
    status_from: r.status_from,
    status_to: r.status_to,
    reverses_id: r.id,
  }));
  for (let i = 0; i < reversals.length; i += 500) await tx(OT.ledger).insert(reversals.slice(i, i + 500));
  await appendEntries(tx, accountId, fresh);
}

/**
 * Locks the account row (FOR UPDATE, as lockAccount), then reads its stored engine state: `undefined` when the
 * account does not exist, `null` state when it has none yet.
 */
export async function lockAccountWithState(
  tx: Knex.Transaction,
  accountId: string,
): Promise<{ state: AccountState | null } | undefined> {
  // Two statements, not one join: under READ COMMITTED a statement's snapshot is taken before it waits for the row
  // lock, so a state read in the locking statement would be the one from before the previous holder committed (a
  // lost update when redemptions on one account overlap). The read after the lock sees the committed state.
  const locked = await tx(T.accounts).where({ id: accountId }).forUpdate().first('id');
  if (!locked) return undefined;
  const row = (await tx(OT.states).where({ account_id: accountId }).first('state')) as
    { state: AccountState } | undefined;
  return { state: row ? withPercentCarry(row.state) : null };
}

/** States saved before percent coverage was carried between spends have no percentCarry: they start from 0. */
export function withPercentCarry(state: AccountState): AccountState {
  return {
    ...state,
    offers: state.offers.map((o) => ({ ...o, percentCarry: (o.percentCarry as number | undefined) ?? 0 })),
  };
}

/**
 * Marks the coupon redeemed by the account and appends the account's redeem event, in one statement; returns the
 * stored event. The caller holds the coupon's and the account's row locks.
 */
export async function redeemWithEvent(
  tx: Knex.Transaction,
  accountId: string,
  couponId: string,
  at: Date,
  terms: OfferTerms,
): Promise<StoredEvent> {
  const { rows } = (await tx.raw(
    `WITH redeemed AS (UPDATE ${T.coupons} SET redeemed_account_id = ?, redemption_date = ? WHERE id = ?)
     INSERT INTO ${OT.events} (account_id, kind, at, coupon_id, terms) VALUES (?, 'redeem', ?, ?, ?) RETURNING *`,
    [accountId, at, couponId, accountId, at, couponId, JSON.stringify(terms)],
  )) as { rows: DbEventRow[] };
  return toStoredEvent(rows[0]!);
}

/** appendEntries and saveState in one statement (both as data-modifying parts of one WITH). */
export async function saveStateWithEntries(
  tx: Knex.Transaction,
  accountId: string,
  state: AccountState,
  due: number | null,
  entries: readonly LedgerEntry[],
): Promise<void> {
  const save = upsertState(tx, accountId, state, due);
  if (entries.length === 0 || entries.length > 500) {
    await appendEntries(tx, accountId, entries);
    await save;
    return;
  }
  const append = tx(OT.ledger).insert(entries.map((e) => entryRow(accountId, e)));
  await tx.raw('WITH appended AS (?), saved AS (?) SELECT 1', [append, save]);
}
