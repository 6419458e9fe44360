// SearchCoupons writes each coupon's fixed part (code, class fields, send-to, IsRedeemed) once per version of the
// coupon and reuses the encoded XML (src/soap/coupon-xml-cache.ts). The version is a counter on the row, bumped by
// a trigger on every UPDATE of it, whatever statement or instance writes it, so a cache on any instance keyed by
// (id, xml_version) can never serve the XML of an older state. Classes are never updated, so they need no version.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE coupons ADD COLUMN xml_version integer NOT NULL DEFAULT 0');
  await knex.raw(
    `COMMENT ON COLUMN coupons.xml_version IS
      'Bumped by coupons_bump_xml_version on every update of the row: caches of the coupon''s encoded XML key on it.'`,
  );
  await knex.raw(
    `CREATE FUNCTION coupons_bump_xml_version() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       NEW.xml_version := OLD.xml_version + 1;
       RETURN NEW;
     END $$`,
  );
  await knex.raw(
    `COMMENT ON FUNCTION coupons_bump_xml_version() IS 'Sets coupons.xml_version to one past the old row''s.'`,
  );
  await knex.raw(
    `CREATE TRIGGER coupons_xml_version BEFORE UPDATE ON coupons
       FOR EACH ROW EXECUTE FUNCTION coupons_bump_xml_version()`,
  );
  await knex.raw(
    `COMMENT ON TRIGGER coupons_xml_version ON coupons IS 'Every update of a coupon is a new version of its XML.'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER coupons_xml_version ON coupons');
  await knex.raw('DROP FUNCTION coupons_bump_xml_version()');
  await knex.raw('ALTER TABLE coupons DROP COLUMN xml_version');
}
