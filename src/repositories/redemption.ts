// RedeemCoupon's two statements (migration 20261202000000): everything the decision needs, read in one statement
// without locks, and the decision's writes in one call of redeem_commit, which writes only if the coupon and the
// account's state are still as read. The caller decides again when it answers false.
import type { Knex } from 'knex';
import type { AccountState, LedgerEntry, OfferTerms } from '../rules/index.ts';
import { toAccount, type Account } from './accounts.ts';
import { toCouponClass } from './classes.ts';
import { toCoupon, type CouponWithClass } from './coupons.ts';
import { fromJsonRow, jsonRowSql, type JsonColumns } from './json-row.ts';
import { entryRow, withPercentCarry } from './offers.ts';
import { preparedArrays, preparedRows } from './prepared.ts';
import { T, type DbAccountRow, type DbClassRow, type DbCouponRow } from './tables.ts';

const ACCOUNT_COLUMNS: JsonColumns<keyof DbAccountRow> = [
  ['id', 'text'],
  ['customer_id', 'text'],
  ['number', 'asIs'],
  ['currency', 'asIs'],
  ['bill_to_customer_id', 'text'],
  ['payment_method_added_at', 'time'],
  ['email', 'asIs'],
  ['invoice_billed', 'asIs'],
  ['created_at', 'time'],
];

const COUPON_COLUMNS: JsonColumns<keyof DbCouponRow | 'xml_version'> = [
  ['id', 'text'],
  ['class_id', 'text'],
  ['owner_customer_id', 'text'],
  ['class_name', 'asIs'],
  ['start_date', 'time'],
  ['code', 'asIs'],
  ['minted_at', 'time'],
  ['send_to_email', 'asIs'],
  ['send_to_date', 'time'],
  ['revoked_at', 'time'],
  ['revoke_reason', 'asIs'],
  ['redeemed_account_id', 'text'],
  ['redemption_date', 'time'],
  ['claimed_account_id', 'text'],
  ['claim_date', 'time'],
  ['xml_version', 'asIs'],
];

const CLASS_COLUMNS: JsonColumns<keyof DbClassRow> = [
  ['id', 'text'],
  ['customer_id', 'text'],
  ['name', 'asIs'],
  ['coupon_type', 'asIs'],
  ['amount_minor', 'text'],
  ['spend_threshold_minor', 'text'],
  ['currency', 'asIs'],
  ['percent_off', 'text'],
  ['active_days', 'asIs'],
  ['start_date', 'time'],
  ['end_date', 'time'],
  ['expiration_date', 'time'],
  ['redeem_within_days', 'asIs'],
  ['feature_id', 'asIs'],
  ['auto_grant', 'asIs'],
  ['created_at', 'time'],
];

// One JSON value: [account, coupon or null, class or null, state or null, state version, event id]. The account's
// and the coupon's many columns cost the driver more as columns than the statement costs PostgreSQL.
const SNAPSHOT_SQL = `SELECT json_build_array(${jsonRowSql('a', ACCOUNT_COLUMNS)},
         CASE WHEN c.id IS NULL THEN NULL ELSE ${jsonRowSql('c', COUPON_COLUMNS)} END,
         CASE WHEN c.id IS NULL THEN NULL ELSE ${jsonRowSql('k', CLASS_COLUMNS)} END,
         s.state, s.version::text, nextval('account_events_id_seq')::text) AS snapshot
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

type Snapshot = [unknown[], unknown[] | null, unknown[] | null, AccountState | null, string | null, string];

/** The account, the coupon of an (already normalized) code with its class, and the account's state; no locks. */
export async function redemptionSnapshot(
  knex: Knex,
  accountId: string,
  code: string,
): Promise<RedemptionSnapshot | undefined> {
  const [row] = await preparedArrays(knex, SNAPSHOT_SQL, [code, accountId]);
  if (!row) return undefined;
  // node-postgres parses json; PGlite may hand over the text.
  const value = (typeof row[0] === 'string' ? JSON.parse(row[0]) : row[0]) as Snapshot;
  const [account, coupon, cls, state, stateVersion, eventId] = value;
  const c = coupon === null ? null : fromJsonRow(COUPON_COLUMNS, coupon);
  return {
    account: toAccount(fromJsonRow(ACCOUNT_COLUMNS, account) as unknown as DbAccountRow),
    found:
      c === null || cls === null
        ? undefined
        : {
            coupon: toCoupon(c as unknown as DbCouponRow),
            cls: toCouponClass(fromJsonRow(CLASS_COLUMNS, cls) as unknown as DbClassRow),
          },
    couponVersion: Number(c?.xml_version ?? 0),
    state: state === null ? null : withPercentCarry(state),
    stateVersion,
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
