// Per-customer cap on concurrent SOAP requests (SPEC §8: one customer's load cannot take every connection). A
// customer may have `limit` requests running on this instance; further ones wait in line (first come, first
// served) for up to `maxWaitMs`, then are refused with code 117. Other customers' requests never wait here, so
// a customer flooding the service holds at most `limit` database connections and everyone else keeps the rest.
// Slots live in this process: with several instances each enforces the cap on the calls it serves.

/** Gives the slot back; call it exactly once, when the request's database work is done. */
export type Release = () => void;

export interface CustomerGate {
  /** A slot for the customer, at once or after waiting in line; null when none came free within the wait. */
  enter(customerId: string): Promise<Release | null>;
  /** Requests of the customer running now (holding a slot). */
  running(customerId: string): number;
  /** The cap (0 = none). */
  readonly limit: number;
}

interface Waiter {
  readonly grant: (release: Release) => void;
  readonly timer: NodeJS.Timeout;
}

interface Lane {
  running: number;
  readonly queue: Waiter[];
}

const NO_OP: Release = () => undefined;

/** A cap of `limit` running requests per customer (0 = no cap); excess requests wait up to `maxWaitMs`. */
export function createCustomerGate(limit: number, maxWaitMs: number): CustomerGate {
  if (limit <= 0) return { enter: () => Promise.resolve(NO_OP), running: () => 0, limit: 0 };
  const lanes = new Map<string, Lane>();

  function releaser(customerId: string, lane: Lane): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = lane.queue.shift();
      if (next) {
        // The slot passes straight to the next in line, so a newcomer cannot overtake it.
        clearTimeout(next.timer);
        next.grant(releaser(customerId, lane));
        return;
      }
      lane.running -= 1;
      if (lane.running === 0) lanes.delete(customerId);
    };
  }

  return {
    limit,
    running: (customerId) => lanes.get(customerId)?.running ?? 0,
    enter(customerId) {
      let lane = lanes.get(customerId);
      if (!lane) {
        lane = { running: 0, queue: [] };
        lanes.set(customerId, lane);
      }
      if (lane.running < limit) {
        lane.running += 1;
        return Promise.resolve(releaser(customerId, lane));
      }
      if (maxWaitMs <= 0) return Promise.resolve(null);
      const l = lane;
      return new Promise<Release | null>((resolve) => {
        const waiter: Waiter = {
          grant: resolve,
          timer: setTimeout(() => {
            const i = l.queue.indexOf(waiter);
            if (i >= 0) l.queue.splice(i, 1);
            resolve(null);
          }, maxWaitMs),
        };
        l.queue.push(waiter);
      });
    },
  };
}
