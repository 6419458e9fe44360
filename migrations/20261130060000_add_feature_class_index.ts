// One tenant's volume never slows another (README): CheckFeatureAdoptionCouponEligibility looks for a class of the
// feature, whoever owns it, that still has a coupon (SPEC §4 Claims). Walking (feature_id, id) in id order reads the
// feature's classes only, up to the first with a coupon left; with (feature_id) alone, a feature most customers
// have is read by a sequential scan of every tenant's classes. The new index replaces that one.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE INDEX coupon_classes_feature_id_id_index ON coupon_classes (feature_id, id) WHERE feature_id IS NOT NULL`,
  );
  await knex.raw(
    `COMMENT ON INDEX coupon_classes_feature_id_id_index IS ` +
      `'Classes of a feature in creation order, for the feature-adoption eligibility check (partial: feature classes only).'`,
  );
  await knex.raw('DROP INDEX coupon_classes_feature_id_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX coupon_classes_feature_id_index ON coupon_classes (feature_id)');
  await knex.raw('DROP INDEX coupon_classes_feature_id_id_index');
}
