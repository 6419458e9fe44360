// When guessing credentials is paused (SPEC §8): failed sign-ins are counted per client address and per user name
// within a window; once a key has `maxFailures` of them, every sign-in on that key waits until the oldest of the
// last `maxFailures` leaves the window, whatever the credentials (so the right password is no oracle either).
import { createHash } from 'node:crypto';

export interface SignInLimit {
  /** Failures per key within the window before sign-in pauses; 0 = no limit. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

export interface LimitKeys {
  /** The client address (the socket's, never a forwarded header). */
  readonly ip: string;
  /** The user name tried, or null when none was given (a token sign-in). */
  readonly username: string | null;
}

export type LimitScope = 'ip' | 'username';

export interface LimitKey {
  readonly scope: LimitScope;
  /** SHA-256 of the normalised key, so the table holds no addresses or user names. */
  readonly hash: Buffer;
}

/** User names are compared trimmed and case-insensitively: `Alice ` and `alice` are one key. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export function limitKeys(k: LimitKeys): LimitKey[] {
  const hash = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  const out: LimitKey[] = [{ scope: 'ip', hash: hash(`ip:${k.ip}`) }];
  if (k.username !== null && k.username.trim() !== '')
    out.push({ scope: 'username', hash: hash(`user:${normaliseUsername(k.username)}`) });
  return out;
}

/**
 * Milliseconds until sign-in is allowed again on a key, from the time of its `maxFailures`-th most recent failure
 * within the window (null when it has fewer): 0 means allowed now.
 */
export function signInWaitMs(nthRecentFailure: Date | null, limit: SignInLimit, now: Date): number {
  if (limit.maxFailures <= 0 || nthRecentFailure === null) return 0;
  return Math.max(0, nthRecentFailure.getTime() + limit.windowMs - now.getTime());
}

/** Whole seconds for the client to wait (at least 1 while paused). */
export function waitSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
