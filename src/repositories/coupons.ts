// Coupon rows: the facts src/rules/redemption.ts decides on, the customer's history for Acquisition coupons, an
// account's coupons of one feature, the row locks of a redemption or claim, and the writes of minting, claiming,
// revoking and dispatching. Set-wise queries (dispatch, eligibility, the feature pick) use the SQL forms of the
// rules below only to narrow what is read; the final decision on a locked coupon is always the rule's.
import type { Knex } from 'knex';
import type { AccountFacts, ClassFacts, CouponFacts, CustomerIsNew } from '../rules/redemption.ts';
import { customerHasHistorySql } from './customer-history.ts';
import { COUPON_DISPATCH } from './outbox.ts';
import type { Account } from './accounts.ts';
import { toCouponClass, type CouponClass } from './classes.ts';
import { T, type DbClassRow, type DbCouponRow } from './tables.ts';

/** A coupon as services see it. */
export interface Coupon {
  readonly id: string;
  readonly classId: string;
  readonly ownerCustomerId: string;
  readonly className: string;
  readonly startDate: Date | null;
  readonly code: string;
  readonly mintedAt: Date;
  readonly sendToEmail: string | null;
  readonly sendToDate: Date | null;
  readonly revokedAt: Date | null;
  readonly revokeReason: string | null;
  readonly redeemedAccountId: string | null;
  readonly redemptionDate: Date | null;
  readonly claimedAccountId: string | null;
  readonly claimDate: Date | null;
}

export function toCoupon(r: DbCouponRow): Coupon {
  return {
    id: r.id,
    classId: r.class_id,
    ownerCustomerId: r.owner_customer_id,
    className: r.class_name,
    startDate: r.start_date,
    code: r.code,
    mintedAt: r.minted_at,
    sendToEmail: r.send_to_email,
    sendToDate: r.send_to_date,
    revokedAt: r.revoked_at,
    revokeReason: r.revoke_reason,
    redeemedAccountId: r.redeemed_account_id,
    redemptionDate: r.redemption_date,
    claimedAccountId: r.claimed_account_id,
    claimDate: r.claim_date,
  };
}

const time = (d: Date | null): number | null => (d === null ? null : d.getTime());

export function toCouponFacts(c: Coupon): CouponFacts {
  return {
    revoked: c.revokedAt !== null,
    redeemedAccountId: c.redeemedAccountId,
    redemptionDate: time(c.redemptionDate),
    claimedAccountId: c.claimedAccountId,
    claimDate: time(c.claimDate),
    sendToDate: time(c.sendToDate),
  };
}

export function toClassFacts(k: CouponClass): ClassFacts {
  return {
    couponType: k.couponType,
    currency: k.currency,
    startDate: time(k.startDate),
    endDate: time(k.endDate),
    expirationDate: time(k.expirationDate),
    redeemWithinDays: k.redeemWithinDays,
  };
}

export function toAccountFacts(a: Pick<Account, 'id' | 'currency'>): AccountFacts {
  return { id: a.id, currency: a.currency };
}

/**
 * Whether the customer is new for an Acquisition coupon: no account of it has recorded spend or redeemed another
 * Acquisition coupon. Takes the customer row lock first, so two accounts of one customer cannot both pass as new.
 */
export async function lockCustomerIsNew(tx: Knex.Transaction, customerId: string, couponId: string): Promise<boolean> {
  await tx(T.customers).where({ id: customerId }).forUpdate().first('id');
  const { rows } = (await tx.raw(`SELECT ${customerHasHistorySql('?', '?')} AS used`, [customerId, couponId])) as {
    rows: { used: boolean }[];
  };
  return !rows[0]!.used;
}

/** A coupon c's class as k, read by primary key (OFFSET 0 keeps the planner from turning it into a join). */
const CLASS_BY_KEY = `CROSS JOIN LATERAL (SELECT k.feature_id, k.expiration_date FROM ${T.classes} k WHERE k.id = c.class_id OFFSET 0) k`;

/** The coupons of a feature that the account claimed or redeemed, with their class's ExpirationDate. */
export async function featureCouponsOf(
  db: Knex,
  accountId: string,
  featureId: number,
): Promise<{ coupon: CouponFacts; cls: Pick<ClassFacts, 'expirationDate'> }[]> {
  // One branch per index from the account (claimed, redeemed): an OR would let the planner start from the
  // feature's classes and walk every coupon of them, whoever holds them. Each coupon's class is looked up by its
  // key (a plain join may hash every tenant's classes).
  const { rows } = (await db.raw(
    `SELECT c.*, k.expiration_date AS k_expiration_date
       FROM ${T.coupons} c ${CLASS_BY_KEY}
      WHERE c.claimed_account_id = ? AND k.feature_id = ?
     UNION ALL
     SELECT c.*, k.expiration_date AS k_expiration_date
       FROM ${T.coupons} c ${CLASS_BY_KEY}
      WHERE c.redeemed_account_id = ? AND k.feature_id = ? AND c.claimed_account_id IS DISTINCT FROM ?`,
    [accountId, featureId, accountId, featureId, accountId],
  )) as { rows: (DbCouponRow & { k_expiration_date: Date | null })[] };
  return rows.map((r) => ({ coupon: toCouponFacts(toCoupon(r)), cls: { expirationDate: time(r.k_expiration_date) } }));
}

/** The class name of each coupon (for the offer cards of the page). */
export async function classNamesOf(knex: Knex, couponIds: readonly string[]): Promise<Map<string, string>> {
  if (couponIds.length === 0) return new Map();
  const rows = (await knex(T.coupons)
    .whereIn('id', [...couponIds])
    .select('id', 'class_name')) as { id: string; class_name: string }[];
  return new Map(rows.map((r) => [r.id, r.class_name]));
}

/** The code of a coupon claimed, not yet redeemed, by the account, when the account is the customer's; else null. */
export async function claimedCouponCode(
  knex: Knex,
  couponId: string,
  accountId: string,
  customerId: string,
): Promise<string | null> {
  const row = (await knex(`${T.coupons} as c`)
    .join(`${T.accounts} as a`, 'a.id', 'c.claimed_account_id')
    .where({ 'c.id': couponId, 'c.claimed_account_id': accountId, 'a.customer_id': customerId })
    .whereNull('c.redeemed_account_id')
    .first('c.code')) as { code: string } | undefined;
  return row?.code ?? null;
}

/** A coupon with its class, as one locked read returns them. */
export interface CouponWithClass {
  readonly coupon: Coupon;
  readonly cls: CouponClass;
}

const CLASS_COLUMNS = [
  'id',
  'customer_id',
  'name',
  'coupon_type',
  'amount_minor',
  'spend_threshold_minor',
  'currency',
  'percent_off',
  'active_days',
  'start_date',
  'end_date',
  'expiration_date',
  'redeem_within_days',
  'feature_id',
  'created_at',
] as const;

/** The coupon of an (already normalized) code, locked for the rest of the transaction, and its class: one round trip. */
export async function lockCouponWithClass(tx: Knex.Transaction, code: string): Promise<CouponWithClass | undefined> {
  const { rows } = (await tx.raw(
    `SELECT c.*, ${CLASS_COLUMNS.map((col) => `k.${col} AS k_${col}`).join(', ')}
       FROM ${T.coupons} c JOIN ${T.classes} k ON k.id = c.class_id
      WHERE c.code = ? FOR UPDATE OF c`,
    [code],
  )) as { rows: Record<string, unknown>[] };
  const row = rows[0];
  if (!row) return undefined;
  const coupon: Record<string, unknown> = {};
  const cls: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('k_')) cls[key.slice(2)] = value;
    else coupon[key] = value;
  }
  return { coupon: toCoupon(coupon as unknown as DbCouponRow), cls: toCouponClass(cls as unknown as DbClassRow) };
}

/** The coupon of an (already normalized) code, locked for the rest of the transaction. */
export async function lockCouponRow(tx: Knex.Transaction, code: string): Promise<Coupon | undefined> {
  const row = (await tx(T.coupons).where({ code }).forUpdate().first()) as DbCouponRow | undefined;
  return row && toCoupon(row);
}

export async function markClaimed(tx: Knex.Transaction, couponId: string, accountId: string, at: Date): Promise<void> {
  await tx(T.coupons).where({ id: couponId }).update({ claimed_account_id: accountId, claim_date: at });
}

export async function markRevoked(
  tx: Knex.Transaction,
  couponId: string,
  at: Date,
  reason: string | null,
): Promise<void> {
  await tx(T.coupons).where({ id: couponId }).update({ revoked_at: at, revoke_reason: reason });
}

/**
 * Inserts coupons of the class with these codes (minted at `at`); a code that already exists is skipped. Returns
 * the codes inserted.
 */
export async function insertCoupons(
  db: Knex,
  cls: Pick<CouponClass, 'id' | 'customerId' | 'name' | 'startDate'>,
  codes: readonly string[],
  at: Date,
): Promise<string[]> {
  const inserted = (await db(T.coupons)
    .insert(
      codes.map((code) => ({
        class_id: cls.id,
        owner_customer_id: cls.customerId,
        class_name: cls.name,
        start_date: cls.startDate,
        code,
        minted_at: at,
      })),
      ['code'],
    )
    .onConflict('code')
    .ignore()) as { code: string }[];
  return inserted.map((r) => r.code);
}

/** A coupon no one holds: not dispatched, redeemed, claimed or revoked (the coupons_dispatchable_idx condition). */
export const AVAILABLE_COUPON = (c: string): string =>
  `${c}.send_to_email IS NULL AND ${c}.redeemed_account_id IS NULL AND ${c}.claimed_account_id IS NULL ` +
  `AND ${c}.revoked_at IS NULL`;

/**
 * SQL for claimHasEnded (src/rules/redemption.ts), for set-wise queries: coupon c of class k was claimed and expired
 * unredeemed, so the claim no longer holds the account's place for the feature. Binding: now.
 */
export const ENDED_CLAIM = (c: string, k: string): string =>
  `${c}.claimed_account_id IS NOT NULL AND ${c}.redeemed_account_id IS NULL AND ${c}.revoked_at IS NULL ` +
  `AND ${k}.expiration_date IS NOT NULL AND ${k}.expiration_date <= ?`;

/**
 * SQL for "class k of feature ? can be claimed now by an account in currency `currency` of customer `customer`"
 * (the terms of decideClaim, src/rules/redemption.ts): within its window (4502, 4503), not expired (4504), same
 * currency (4505), and Retention or a new customer (4506). Bindings, in order: featureId, now, now, now.
 */
export function claimableFeatureClass(k: string, currency: string, customer: string): string {
  return `${k}.feature_id = ? AND ${k}.currency = ${currency}
    AND (${k}.start_date IS NULL OR ${k}.start_date <= ?) AND (${k}.end_date IS NULL OR ? <= ${k}.end_date)
    AND (${k}.expiration_date IS NULL OR ? < ${k}.expiration_date)
    AND (${k}.coupon_type = 'Retention' OR NOT ${customerHasHistorySql(customer)})`;
}

/**
 * The code of the earliest available coupon, among the customer's classes of the feature that the account could
 * claim now, locked (SKIP LOCKED); undefined when there is none. Per class its first available coupon through
 * coupons_dispatchable_idx, then the earliest of those: walking all coupons in mint order would read other
 * customers' coupons first.
 */
export async function lockFirstFeatureCoupon(
  tx: Knex.Transaction,
  customerId: string,
  featureId: number,
  account: Pick<Account, 'currency' | 'customerId'>,
  now: Date,
): Promise<string | undefined> {
  const { rows } = (await tx.raw(
    `SELECT c.code FROM ${T.classes} k
       CROSS JOIN LATERAL (SELECT c.id, c.code FROM ${T.coupons} c WHERE c.class_id = k.id
                             AND ${AVAILABLE_COUPON('c')} ORDER BY c.id LIMIT 1 FOR UPDATE SKIP LOCKED) c
      WHERE k.customer_id = ? AND ${claimableFeatureClass('k', '?', '?')}
      ORDER BY c.id LIMIT 1`,
    [customerId, featureId, account.currency, now, now, now, account.customerId],
  )) as { rows: { code: string }[] };
  return rows[0]?.code;
}

/** An account that passed the eligibility prefilter, with the facts the claimability decision judges. */
export interface EligibilityCandidate {
  readonly account: AccountFacts;
  /** The first class of the feature (in creation order) that the prefilter found claimable with a coupon left. */
  readonly cls: ClassFacts;
  /** Whether the account's customer is new; null when the class is Retention (not looked up). */
  readonly customerIsNew: CustomerIsNew;
}

/**
 * The prefilter of CheckFeatureAdoptionCouponEligibility, one statement for all the accounts: of the customer's
 * accounts `ids`, those holding no coupon of the feature (a claim that expired unredeemed no longer counts) and
 * having a class of the feature they could claim now with a coupon left, each with that class's facts. The SQL
 * only narrows the set; the caller decides with the rules.
 */
export async function featureEligibilityCandidates(
  db: Knex,
  customerId: string,
  ids: readonly string[],
  featureId: number,
  now: Date,
): Promise<EligibilityCandidate[]> {
  const { rows } = (await db.raw(
    `SELECT a.id, a.currency, k.coupon_type, k.currency AS k_currency, k.start_date, k.end_date, k.expiration_date,
            CASE WHEN k.coupon_type = 'Acquisition' THEN NOT ${customerHasHistorySql('a.customer_id')} END
              AS customer_is_new
       FROM ${T.accounts} a
       -- Per account, the feature's classes in creation order through coupon_classes_feature_id_id_index, stopping
       -- at the first with a coupon left (OFFSET 0 keeps the ordered subplan: a feature most customers have would
       -- otherwise be read by a sequential scan of every tenant's classes).
       CROSS JOIN LATERAL (
         SELECT k.coupon_type, k.currency, k.start_date, k.end_date, k.expiration_date FROM ${T.classes} k
          WHERE ${claimableFeatureClass('k', 'a.currency', 'a.customer_id')}
            AND EXISTS (SELECT 1 FROM ${T.coupons} c WHERE c.class_id = k.id AND ${AVAILABLE_COUPON('c')})
          ORDER BY k.id LIMIT 1 OFFSET 0) k
      WHERE a.customer_id = ? AND a.id IN (${ids.map(() => '?').join(',')})
        -- The account's own claims and redemptions, each coupon's class looked up by primary key (a join could
        -- read every class of the feature, whoever owns it).
        AND NOT EXISTS (
          SELECT 1 FROM ${T.coupons} c
            CROSS JOIN LATERAL (SELECT k.feature_id, k.expiration_date FROM ${T.classes} k WHERE k.id = c.class_id OFFSET 0) k
           WHERE c.claimed_account_id = a.id AND k.feature_id = ? AND NOT (${ENDED_CLAIM('c', 'k')}))
        AND NOT EXISTS (
          SELECT 1 FROM ${T.coupons} c
           WHERE c.redeemed_account_id = a.id AND (SELECT k.feature_id FROM ${T.classes} k WHERE k.id = c.class_id) = ?)`,
    [featureId, now, now, now, customerId, ...ids, featureId, now, featureId],
  )) as {
    rows: (Pick<DbClassRow, 'coupon_type' | 'start_date' | 'end_date' | 'expiration_date'> & {
      id: string;
      currency: string;
      k_currency: string;
      customer_is_new: boolean | null;
    })[];
  };
  return rows.map((r) => ({
    account: { id: String(r.id), currency: r.currency },
    cls: {
      couponType: r.coupon_type,
      currency: r.k_currency,
      startDate: time(r.start_date),
      endDate: time(r.end_date),
      expirationDate: time(r.expiration_date),
      redeemWithinDays: null,
    },
    customerIsNew: r.customer_is_new,
  }));
}

/** For each of the accounts, the coupons of the feature it claimed or redeemed (see featureCouponsOf), at once. */
export async function featureCouponsOfAccounts(
  db: Knex,
  accountIds: readonly string[],
  featureId: number,
): Promise<Map<string, { coupon: CouponFacts; cls: Pick<ClassFacts, 'expirationDate'> }[]>> {
  const out = new Map<string, { coupon: CouponFacts; cls: Pick<ClassFacts, 'expirationDate'> }[]>();
  if (accountIds.length === 0) return out;
  const list = accountIds.map(() => '?').join(',');
  const { rows } = (await db.raw(
    `SELECT c.*, k.expiration_date AS k_expiration_date, c.claimed_account_id AS holder
       FROM ${T.coupons} c ${CLASS_BY_KEY}
      WHERE c.claimed_account_id IN (${list}) AND k.feature_id = ?
     UNION ALL
     SELECT c.*, k.expiration_date AS k_expiration_date, c.redeemed_account_id AS holder
       FROM ${T.coupons} c ${CLASS_BY_KEY}
      WHERE c.redeemed_account_id IN (${list}) AND k.feature_id = ?
        AND c.claimed_account_id IS DISTINCT FROM c.redeemed_account_id`,
    [...accountIds, featureId, ...accountIds, featureId],
  )) as { rows: (DbCouponRow & { k_expiration_date: Date | null; holder: string })[] };
  for (const r of rows) {
    const holder = String(r.holder);
    out.set(holder, [
      ...(out.get(holder) ?? []),
      { coupon: toCouponFacts(toCoupon(r)), cls: { expirationDate: time(r.k_expiration_date) } },
    ]);
  }
  return out;
}

/**
 * The code of the class's first coupon that no one holds (not dispatched, redeemed, claimed or revoked), locked;
 * coupons other transactions hold are skipped, so concurrent account creations never pick the same coupon.
 */
export async function lockAvailableCoupon(tx: Knex.Transaction, classId: string): Promise<string | undefined> {
  const row = (await tx(T.coupons)
    .where({ class_id: classId })
    .whereNull('send_to_email')
    .whereNull('redeemed_account_id')
    .whereNull('claimed_account_id')
    .whereNull('revoked_at')
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .first('code')) as { code: string } | undefined;
  return row?.code;
}

/**
 * DispatchCoupons' one statement, whatever the number of addresses: locks up to emails.length available coupons
 * of the class in mint order (skipping any a concurrent dispatch holds), pairs them with the addresses in order,
 * sets SendToEmail/SendToDate, and queues one email per coupon, the code put in for `placeholder` in the subject,
 * text and html. Returns how many coupons it locked and how many emails it queued.
 */
export async function assignAndQueue(
  tx: Knex.Transaction,
  classId: string,
  emails: readonly string[],
  at: Date,
  mail: { readonly subject: string; readonly text: string; readonly html: string },
  placeholder: string,
): Promise<{ picked: number; queued: number }> {
  const { rows } = (await tx.raw(
    `WITH picked AS (
       SELECT id, row_number() OVER (ORDER BY id) AS n
         FROM (SELECT id FROM ${T.coupons}
                WHERE class_id = ? AND send_to_email IS NULL AND redeemed_account_id IS NULL
                  AND claimed_account_id IS NULL AND revoked_at IS NULL
                ORDER BY id
                LIMIT ?
                FOR UPDATE SKIP LOCKED) locked),
     emails AS (SELECT email, n FROM json_array_elements_text(?::json) WITH ORDINALITY AS e(email, n)),
     assigned AS (
       UPDATE ${T.coupons} c SET send_to_email = emails.email, send_to_date = ?
         FROM picked JOIN emails USING (n)
        WHERE c.id = picked.id AND c.send_to_email IS NULL
       RETURNING c.id, c.code, c.send_to_email),
     queued AS (
       INSERT INTO ${T.outbox} (kind, to_email, coupon_id, subject, text, html)
       SELECT ?, a.send_to_email, a.id, replace(?, ?, a.code), replace(?, ?, a.code), replace(?, ?, a.code)
         FROM (SELECT * FROM assigned ORDER BY id) a
       RETURNING 1)
     SELECT (SELECT count(*) FROM picked)::int AS picked, (SELECT count(*) FROM queued)::int AS queued`,
    [
      classId,
      emails.length,
      JSON.stringify(emails),
      at,
      COUPON_DISPATCH,
      mail.subject,
      placeholder,
      mail.text,
      placeholder,
      mail.html,
      placeholder,
    ],
  )) as { rows: { picked: number; queued: number }[] };
  return rows[0]!;
}
