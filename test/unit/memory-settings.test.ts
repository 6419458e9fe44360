// The settings that bound the service's memory (README "Configuration"): every per-instance cache has a configured
// bound, and the V8 old-generation growth is set at start.
import { expect } from 'chai';
import { loadConfig } from '../../src/config.ts';

const env = { BILLING_ADMIN_KEY: 'k'.repeat(20), DATA_DIR: '/tmp/billing-config-test' };

describe('memory settings', () => {
  it('AUTH_CACHE_ENTRIES bounds the authentication caches at 10000 entries each by default, 0 = none', () => {
    expect(loadConfig(env).authCacheEntries).to.equal(10_000);
    expect(loadConfig({ ...env, AUTH_CACHE_ENTRIES: '0' }).authCacheEntries).to.equal(0);
    expect(() => loadConfig({ ...env, AUTH_CACHE_ENTRIES: '-1' })).to.throw(/AUTH_CACHE_ENTRIES/);
    expect(() => loadConfig({ ...env, AUTH_CACHE_ENTRIES: 'many' })).to.throw(/AUTH_CACHE_ENTRIES/);
  });

  it('HEAP_GROWING_PERCENT defaults to 100 (the old generation grows to twice the live heap), 0 = V8 decides', () => {
    expect(loadConfig(env).heapGrowingPercent).to.equal(100);
    expect(loadConfig({ ...env, HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).to.equal(0);
    expect(() => loadConfig({ ...env, HEAP_GROWING_PERCENT: '-5' })).to.throw(/HEAP_GROWING_PERCENT/);
  });
});
