// Tokens and passwords: generated with a CSPRNG, stored only as hashes, compared in constant time.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens are 256-bit random values, so a fast hash is enough to make the stored value useless to a thief. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

/** Thrown instead of queueing a hash when the wait queue is full: the caller answers at once (code 117 / 429). */
export class HashingBusyError extends Error {
  constructor() {
    super('password hashing is at capacity');
    this.name = 'HashingBusyError';
  }
}

/**
 * At most `concurrency` scrypt computations run at once (each takes ~50 ms of a libuv thread and 16 MiB), and at
 * most `queue` more wait for a slot. A flood of password guesses therefore costs a bounded amount of CPU and memory,
 * a legitimate sign-in waits behind at most `queue` hashes, and token calls (which need no scrypt) never wait.
 * Process-wide, like the thread pool it protects.
 */
const gate = { concurrency: 2, queue: 16, running: 0, waiting: [] as (() => void)[], peakWaiting: 0, refused: 0 };

export function configureHashing(limits: { concurrency: number; queue: number }): void {
  gate.concurrency = limits.concurrency;
  gate.queue = limits.queue;
}

/** Counters of the hashing gate (for tests and metrics): running now, waiting now, most ever waiting, refused. */
export function hashingStats(): { running: number; waiting: number; peakWaiting: number; refused: number } {
  return { running: gate.running, waiting: gate.waiting.length, peakWaiting: gate.peakWaiting, refused: gate.refused };
}

export function resetHashingStats(): void {
  gate.peakWaiting = gate.waiting.length;
  gate.refused = 0;
}

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (gate.running < gate.concurrency) gate.running++;
  else if (gate.waiting.length >= gate.queue) {
    gate.refused++;
    throw new HashingBusyError();
  } else {
    // The slot is handed over by the finishing hash (running stays the same), so no newcomer can jump the queue.
    const turn = new Promise<void>((resolve) => gate.waiting.push(resolve));
    gate.peakWaiting = Math.max(gate.peakWaiting, gate.waiting.length);
    await turn;
  }
  try {
    return await work();
  } finally {
    const next = gate.waiting.shift();
    if (next) next();
    else gate.running--;
  }
}

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return withHashSlot(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password, salt, keylen, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      ),
  );
}

/** A slow, salted password hash: `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(
    password,
    Buffer.from(salt, 'base64url'),
    Number(n),
    Number(r),
    Number(p),
    expected.length,
  );
  return sameHash(key, expected);
}
