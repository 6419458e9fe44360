// RedeemCoupon in two round trips (issue 13): the decision is taken on a snapshot read without locks, and
// redeem_commit writes it only if nothing it was based on has changed since: the coupon's row (coupons.xml_version,
// bumped on every update) and the account's engine state (account_states.version, bumped on every save). Both are
// checked under the same locks, in the same order, as the locked path takes them (coupon, then account), so a
// commit is exactly what the locked path would have written at that moment; a stale snapshot writes nothing and the
// caller decides again.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE account_states ADD COLUMN version bigint NOT NULL DEFAULT 0');
  await knex.raw(
    `COMMENT ON COLUMN account_states.version IS
      'One more on every save of the state: redeem_commit writes only on the version its decision read.'`,
  );
  await knex.raw(
    `CREATE FUNCTION redeem_commit(p_account bigint, p_coupon bigint, p_coupon_version integer,
       p_state_version bigint, p_event bigint, p_at timestamptz, p_terms jsonb, p_state jsonb,
       p_due timestamptz, p_entries jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
     BEGIN
       -- The locked path's order: the coupon, then the account (the lock every account event takes). Each statement
       -- of a function reads a fresh snapshot, so the checks after a lock wait see what its holder committed. The
       -- account is locked before the coupon is updated: the update's foreign-key check takes a KEY SHARE lock on the
       -- account, and two redemptions holding that while each waits to lock the account FOR UPDATE would deadlock.
       PERFORM 1 FROM coupons WHERE id = p_coupon AND xml_version = p_coupon_version FOR UPDATE;
       IF NOT FOUND THEN RETURN false; END IF;
       PERFORM 1 FROM accounts WHERE id = p_account FOR UPDATE;
       IF p_state_version IS NULL THEN
         -- The decision read no state: there must still be none.
         INSERT INTO account_states (account_id, state, next_due_at, updated_at, version)
           VALUES (p_account, p_state, p_due, now(), 1) ON CONFLICT (account_id) DO NOTHING;
       ELSE
         UPDATE account_states SET state = p_state, next_due_at = p_due, updated_at = now(), version = version + 1
          WHERE account_id = p_account AND version = p_state_version;
       END IF;
       IF NOT FOUND THEN RETURN false; END IF;
       UPDATE coupons SET redeemed_account_id = p_account, redemption_date = p_at WHERE id = p_coupon;
       INSERT INTO account_events (id, account_id, kind, at, coupon_id, terms)
         VALUES (p_event, p_account, 'redeem', p_at, p_coupon, p_terms);
       INSERT INTO ledger_entries (account_id, entry_key, kind, at, coupon_id, spend_event_id, amount_minor,
                                   status_from, status_to)
         SELECT p_account, r.entry_key, r.kind, r.at, r.coupon_id, r.spend_event_id, r.amount_minor, r.status_from,
                r.status_to
           FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS x(e, n)
          CROSS JOIN LATERAL jsonb_to_record(x.e) AS r(entry_key text, kind text, at timestamptz, coupon_id bigint,
                spend_event_id bigint, amount_minor bigint, status_from text, status_to text)
          ORDER BY x.n;
       RETURN true;
     END $$`,
  );
  await knex.raw(
    `COMMENT ON FUNCTION redeem_commit(bigint, bigint, integer, bigint, bigint, timestamptz, jsonb, jsonb, timestamptz,
       jsonb) IS
      'Writes a redemption decided on a snapshot (coupon version, state version; NULL: no state) unless either has changed; false then, and nothing written.'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'DROP FUNCTION redeem_commit(bigint, bigint, integer, bigint, bigint, timestamptz, jsonb, jsonb, timestamptz, jsonb)',
  );
  await knex.raw('ALTER TABLE account_states DROP COLUMN version');
}
