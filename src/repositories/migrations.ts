// Knex migration source reading migrations/*.ts in name order (YYYYMMDDHHMMSS_verb_noun.ts).
import { readdirSync } from 'node:fs';
import type { Knex } from 'knex';

const dir = new URL('../../migrations/', import.meta.url);

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return readdirSync(dir)
      .filter((f) => /^\d{14}_[a-z0-9_]+\.ts$/.test(f))
      .sort();
  },
  getMigrationName(name) {
    return name;
  },
  async getMigration(name) {
    return (await import(new URL(name, dir).href)) as MigrationModule;
  },
};
