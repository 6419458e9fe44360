// The SearchCoupons fragment cache (src/soap/coupon-xml-cache.ts) and its setting COUPON_XML_CACHE: a coupon's text
// is written once per version, a new version is written anew, and the cache never holds more than its bound.
import { expect } from 'chai';
import { loadConfig } from '../../src/config.ts';
import { CouponXmlCache } from '../../src/soap/coupon-xml-cache.ts';

describe('the coupon XML cache', () => {
  const writer = (): { write: (text: string) => () => string; writes: string[] } => {
    const writes: string[] = [];
    return { writes, write: (text) => () => (writes.push(text), text) };
  };

  it('writes a coupon once per version and answers the kept text after that', () => {
    const cache = new CouponXmlCache(10);
    const w = writer();

    const first = [
      cache.get('7', 0, w.write('v0')),
      cache.get('7', 0, w.write('again')),
      cache.get('7', 1, w.write('v1')),
    ];

    expect(first).to.deep.equal(['v0', 'v0', 'v1']);
    expect(w.writes).to.deep.equal(['v0', 'v1']);
  });

  it('holds at most its bound, dropping the least recently used coupon', () => {
    const cache = new CouponXmlCache(2);
    const w = writer();
    cache.get('1', 0, w.write('one'));
    cache.get('2', 0, w.write('two'));
    cache.get('1', 0, w.write('one again')); // 1 is now the most recently used
    cache.get('3', 0, w.write('three')); // 2 goes

    expect(cache.size).to.equal(2);
    expect(cache.get('1', 0, w.write('one rewritten'))).to.equal('one');
    expect(cache.get('2', 0, w.write('two rewritten'))).to.equal('two rewritten');
  });

  it('COUPON_XML_CACHE=0 keeps nothing: every call writes', () => {
    const cache = new CouponXmlCache(0);
    const w = writer();
    cache.get('1', 0, w.write('a'));
    cache.get('1', 0, w.write('b'));

    expect(w.writes).to.deep.equal(['a', 'b']);
    expect(cache.size).to.equal(0);
  });

  it('COUPON_XML_CACHE defaults to 20000 entries and refuses what is not a count', () => {
    const env = { BILLING_ADMIN_KEY: 'k'.repeat(20), DATA_DIR: '/tmp/billing-config-test' };
    expect(loadConfig(env).couponXmlCache).to.equal(20000);
    expect(loadConfig({ ...env, COUPON_XML_CACHE: '0' }).couponXmlCache).to.equal(0);
    expect(() => loadConfig({ ...env, COUPON_XML_CACHE: '-1' })).to.throw(/COUPON_XML_CACHE/);
    expect(() => loadConfig({ ...env, COUPON_XML_CACHE: 'lots' })).to.throw(/COUPON_XML_CACHE/);
  });
});
