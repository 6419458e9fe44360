// DB_TRANSACTION_POOLER and DB_PREPARED_STATEMENTS (README "Running several instances"): named statements are on
// unless the instance sits behind a transaction pooler, either switch can be set on its own, and nonsense is refused.
import { expect } from 'chai';
import { loadConfig } from '../../src/config.ts';

describe('DB_TRANSACTION_POOLER and DB_PREPARED_STATEMENTS', () => {
  const env = { BILLING_ADMIN_KEY: 'k'.repeat(20), DATA_DIR: '/tmp/billing-config-test' };
  const switches = (more: Record<string, string>): [boolean | undefined, boolean | undefined] => {
    const c = loadConfig({ ...env, ...more });
    return [c.dbTransactionPooler, c.dbPreparedStatements];
  };

  it('named statements by default; none behind a transaction pooler unless asked for', () => {
    expect(switches({})).to.deep.equal([false, true]);
    expect(switches({ DB_TRANSACTION_POOLER: '1' })).to.deep.equal([true, false]);
    expect(switches({ DB_TRANSACTION_POOLER: 'true', DB_PREPARED_STATEMENTS: '1' })).to.deep.equal([true, true]);
    expect(switches({ DB_PREPARED_STATEMENTS: '0' })).to.deep.equal([false, false]);
  });

  it('refuses values other than 0, 1, false and true', () => {
    expect(() => loadConfig({ ...env, DB_TRANSACTION_POOLER: 'yes' })).to.throw(/DB_TRANSACTION_POOLER/);
    expect(() => loadConfig({ ...env, DB_PREPARED_STATEMENTS: '2' })).to.throw(/DB_PREPARED_STATEMENTS/);
  });
});
