// The fast timestamptz parser reads every form PostgreSQL writes exactly like the general parser.
import { expect } from 'chai';
import fc from 'fast-check';
import knexFactory from 'knex';
import { parseTimestamptz } from '../../src/repositories/db.ts';

describe('timestamptz parsing', () => {
  it('reads UTC and offset forms, with and without fractions, to the same instant', () => {
    expect(parseTimestamptz('2099-06-01 00:00:00+00').toISOString()).to.equal('2099-06-01T00:00:00.000Z');
    expect(parseTimestamptz('2026-11-21 23:58:27.389+00').toISOString()).to.equal('2026-11-21T23:58:27.389Z');
    expect(parseTimestamptz('2026-11-21 23:58:27.389123+00').toISOString()).to.equal('2026-11-21T23:58:27.389Z');
    expect(parseTimestamptz('2026-03-01 09:30:00+05:30').toISOString()).to.equal('2026-03-01T04:00:00.000Z');
    expect(parseTimestamptz('2026-03-01 09:30:00-08').toISOString()).to.equal('2026-03-01T17:30:00.000Z');
    expect(parseTimestamptz('0044-03-15 12:00:00+00 BC').getUTCFullYear()).to.equal(-43);
  });

  // The parser serves the pg driver only (PGlite parses its own results), so this runs where PostgreSQL is.
  const withPostgres = process.env.DATABASE_URL ? it : it.skip;
  withPostgres('agrees with PostgreSQL itself for random instants in any session time zone', async function () {
    this.timeout(30000);
    const knex = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }),
          fc.constantFrom('UTC', 'Asia/Kolkata', 'America/Los_Angeles', 'Pacific/Chatham'),
          async (t, zone) => {
            const rows = await knex.transaction(async (tx) => {
              await tx.raw(`SET LOCAL TIME ZONE '${zone}'`);
              return (await tx.raw('SELECT to_timestamp(?::double precision / 1000) AS v', [t])).rows as { v: Date }[];
            });
            expect(rows[0]!.v.getTime()).to.equal(t);
          },
        ),
        { numRuns: 100 },
      );
    } finally {
      await knex.destroy();
    }
  });
});
