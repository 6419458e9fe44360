// The per-customer cap of the SOAP endpoint (src/soap/customer-gate.ts): a customer's calls beyond the cap wait in
// line and get a slot as earlier ones finish, or none when the wait runs out; other customers never wait.
import { expect } from 'chai';
import { createCustomerGate } from '../../src/soap/customer-gate.ts';

describe('customer gate', () => {
  it('a customer at its cap is refused at once with no wait, while another customer still gets in', async () => {
    const gate = createCustomerGate(2, 0);

    const a1 = await gate.enter('A');
    const a2 = await gate.enter('A');
    const a3 = await gate.enter('A');
    const b1 = await gate.enter('B');

    expect([a1, a2, b1].every((r) => typeof r === 'function')).to.equal(true);
    expect(a3).to.equal(null);
    expect(gate.running('A')).to.equal(2);
    expect(gate.running('B')).to.equal(1);
  });

  it('a waiting call gets the slot of the first call to finish, in arrival order', async () => {
    const gate = createCustomerGate(1, 60_000);
    const first = (await gate.enter('A'))!;
    const order: string[] = [];

    const second = gate.enter('A').then((r) => (order.push('second'), r));
    const third = gate.enter('A').then((r) => (order.push('third'), r));
    first();
    (await second)!();
    (await third)!();

    expect(order).to.deep.equal(['second', 'third']);
    expect(gate.running('A')).to.equal(0);
  });

  it('a call still waiting when the wait runs out gets no slot, and the slot count is unchanged', async () => {
    const gate = createCustomerGate(1, 20);
    const first = (await gate.enter('A'))!;

    const late = await gate.enter('A');

    expect(late).to.equal(null);
    expect(gate.running('A')).to.equal(1);
    first();
    first(); // a second release changes nothing
    expect(gate.running('A')).to.equal(0);
    expect(typeof (await gate.enter('A'))).to.equal('function');
  });

  it('a cap of 0 lets every call through', async () => {
    const gate = createCustomerGate(0, 0);

    const all = await Promise.all(Array.from({ length: 50 }, () => gate.enter('A')));

    expect(all.every((r) => typeof r === 'function')).to.equal(true);
  });
});
