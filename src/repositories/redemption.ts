// RedeemCoupon's two statements (migration 20261202000000): everything the decision needs, read in one statement
// without locks, and the decision's writes in one call of redeem_commit, which writes only if the coupon and the
// account's state are still as read. The caller decides again when it answers false.
import type { Knex } from 'knex';
import type { AccountState, LedgerEntry, OfferTerms } from '../rules/index.ts';
import { toAccount, type Account } from './accounts.ts';
import { toCouponClass } from './classes.ts';
import { CLASS_COLUMNS, toCoupon, type CouponWithClass } from './coupons.ts';
import { entryRow, withPercentCarry } from './offers.ts';
import { preparedArrays, preparedRows } from './prepared.ts';
import { T, type DbAccountRow, type DbClassRow, type DbCouponRow } from './tables.ts';

const ACCOUNT_COLUMNS = [
  'id',
  'customer_id',
  'number',
  'currency',
  'bill_to_customer_id',
  'payment_method_added_at',
  'email',
  'invoice_billed',
  'created_at',
] as const satisfies readonly (keyof DbAccountRow)[];

const COUPON_COLUMNS = [
  'id',
  'class_id',
  'owner_customer_id',
  'class_name',
  'start_date',
  'code',
  'minted_at',
  'send_to_email',
  'send_to_date',
  'revoked_at',
  'revoke_reason',
  'redeemed_account_id',
  'redemption_date',
  'claimed_account_id',
  'claim_date',
] as const satisfies readonly (keyof DbCouponRow)[];

const SNAPSHOT_SQL = `SELECT ${ACCOUNT_COLUMNS.map((col) => `a.${col}`).join(', ')},
       ${COUPON_COLUMNS.map((col) => `c.${col} AS c_${col}`).join(', ')}, c.xml_version AS c_xml_version,
       ${CLASS_COLUMNS.map((col) => `k.${col} AS k_${col}`).join(', ')},
       s.state AS s_state, s.version AS s_version,
       nextval('account_events_id_seq') AS event_id
  FROM ${T.accounts} a
  LEFT JOIN ${T.coupons} c ON c.code = ?
  LEFT JOIN ${T.classes} k ON k.id = c.class_id
  LEFT JOIN account_states s ON s.account_id = a.id
 WHERE a.id = ?`;

/** What a redemption decision reads, as of one snapshot. */
export interface RedemptionSnapshot {
  readonly account: Account;
  /** Undefined when no coupon has the code. */
  readonly found: CouponWithClass | undefined;
  /** The coupon row's version (coupons.xml_version) as read. */
  readonly couponVersion: number;
  /** The account's engine state; null when it has none yet. */
  readonly state: AccountState | null;
  /** account_states.version as read; null when there is no state row. */
  readonly stateVersion: string | null;
  /** An id drawn for the redeem event, so the engine can order it before it is written. */
  readonly eventId: string;
}

function zip<K extends string>(cols: readonly K[], row: readonly unknown[], from: number): Record<K, unknown> {
  const out = {} as Record<K, unknown>;
  cols.forEach((col, i) => (out[col] = row[from + i]));
  return out;
}

/** The account, the coupon of an (already normalized) code with its class, and the account's state; no locks. */
export async function redemptionSnapshot(
  knex: Knex,
  accountId: string,
  code: string,
): Promise<RedemptionSnapshot | undefined> {
  const [row] = await preparedArrays(knex, SNAPSHOT_SQL, [code, accountId]);
  if (!row) return undefined;
  let at = 0;
  const account = toAccount(zip(ACCOUNT_COLUMNS, row, at) as unknown as DbAccountRow);
  at += ACCOUNT_COLUMNS.length;
  const coupon = zip(COUPON_COLUMNS, row, at) as unknown as DbCouponRow;
  at += COUPON_COLUMNS.length;
  const couponVersion = Number(row[at++] ?? 0);
  const cls = zip(CLASS_COLUMNS, row, at) as unknown as DbClassRow;
  at += CLASS_COLUMNS.length;
  const state = row[at++] as AccountState | null;
  const stateVersion = row[at++] as string | number | null;
  const eventId = String(row[at]);
  return {
    account,
    found: coupon.id === null ? undefined : { coupon: toCoupon(coupon), cls: toCouponClass(cls) },
    couponVersion,
    state: state === null ? null : withPercentCarry(state),
    stateVersion: stateVersion === null ? null : String(stateVersion),
    eventId,
  };
}

/** What redeem_commit writes: the coupon's redemption, its event, the ledger entries and the new state. */
export interface RedemptionWrite {
  readonly accountId: string;
  readonly couponId: string;
  readonly couponVersion: number;
  readonly stateVersion: string | null;
  readonly eventId: string;
  readonly at: Date;
  readonly terms: OfferTerms;
  readonly state: AccountState;
  readonly due: number | null;
  readonly entries: readonly LedgerEntry[];
}

/** Writes the redemption unless the coupon or the account's state changed since the snapshot; false then. */
export async function commitRedemption(knex: Knex, w: RedemptionWrite): Promise<boolean> {
  const [row] = await preparedRows<{ ok: boolean }>(
    knex,
    `SELECT redeem_commit(?::bigint, ?::bigint, ?::integer, ?::bigint, ?::bigint, ?::timestamptz, ?::jsonb, ?::jsonb,
       ?::timestamptz, ?::jsonb) AS ok`,
    [
      w.accountId,
      w.couponId,
      w.couponVersion,
      w.stateVersion,
      w.eventId,
      w.at,
      JSON.stringify(w.terms),
      JSON.stringify(w.state),
      w.due === null ? null : new Date(w.due),
      JSON.stringify(w.entries.map((e) => entryRow(w.accountId, e))),
    ],
  );
  return row?.ok === true;
}
