// Authentication of SOAP requests from their header values (SPEC §2, §3).
import type { Knex } from 'knex';
import { AdApiError } from '../errors.ts';
import type { Role } from '../repositories/tables.ts';
import type { User } from '../repositories/users.ts';
import { userByTokenHash, userByUsername } from '../repositories/users.ts';
import { waitSeconds } from '../rules/sign-in-limit.ts';
import { HashingBusyError, hashPassword, newToken, sameHash, tokenHash, verifyPassword } from '../secrets.ts';
import type { SignInLimiter } from './sign-in-limit.ts';

export type { Role };

export interface Credentials {
  readonly authenticationToken: string | null;
  readonly developerToken: string | null;
  readonly userName: string | null;
  readonly password: string | null;
}

export interface Principal {
  readonly userId: string;
  readonly customerId: string;
  readonly role: Role;
}

const present = (v: string | null): v is string => v !== null && v.trim() !== '';

/**
 * Users found by token, kept briefly so a busy client does not cost a query per call. Tokens cannot be changed
 * or revoked in place (a new user gets new tokens), so a short life only delays seeing a deleted user; expiry is
 * still checked on every call against the cached expiry time.
 */
const TOKEN_CACHE_MS = 10_000;
let tokenCacheMax = 10_000;
const tokenCache = new Map<string, { user: User; at: number }>();

/** The token cache's bound (AUTH_CACHE_ENTRIES): at most `entries` users, emptied when full; 0 keeps none. */
export function configureTokenCache(entries: number): void {
  tokenCacheMax = Math.max(0, entries);
  tokenCache.clear();
}

async function userByToken(knex: Knex, token: string): Promise<User | undefined> {
  const hash = tokenHash(token);
  const key = hash.toString('base64');
  const hit = tokenCache.get(key);
  const t = Date.now();
  if (hit && t - hit.at < TOKEN_CACHE_MS) return hit.user;
  const user = await userByTokenHash(knex, hash);
  if (user && tokenCacheMax > 0) {
    if (tokenCache.size >= tokenCacheMax) tokenCache.clear();
    tokenCache.set(key, { user, at: t });
  }
  return user;
}

/**
 * A password check under the hashing cap: when it is full the answer is code 117 at once, "retry in 1 s", rather
 * than a place at the end of an unbounded queue.
 */
export async function checkPassword(password: string, stored: string): Promise<boolean> {
  try {
    return await verifyPassword(password, stored);
  } catch (e) {
    if (e instanceof HashingBusyError) throw new AdApiError(117, 'Retry in 1 s.');
    throw e;
  }
}

let dummy: Promise<string> | null = null;
const dummyHash = (): Promise<string> => (dummy ??= hashPassword(newToken()));

/** The user of that user name and password, else code 105. */
async function userByPassword(knex: Knex, userName: string, password: string): Promise<User> {
  const user = await userByUsername(knex, userName.trim());
  // An unknown user name costs the same hash as a wrong password, so timing does not reveal which names exist.
  const ok = await checkPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user?.passwordHash || !ok) throw new AdApiError(105);
  return user;
}

const principalOf = (user: User): Principal => ({
  userId: user.id,
  customerId: user.customerId,
  role: user.role,
});

/**
 * A UserName + Password sign-in without a DeveloperToken (the /offers page): the same user row and the same
 * password check as the SOAP legacy path. That token identifies an API application, and a person at a browser
 * has none (Microsoft's own web UI asks for none either).
 */
export async function signInWithPassword(knex: Knex, userName: string, password: string): Promise<Principal> {
  if (!present(userName) || !present(password)) throw new AdApiError(105);
  return principalOf(await userByPassword(knex, userName, password));
}

/**
 * AuthenticationToken + DeveloperToken, or the legacy UserName + Password + DeveloperToken. The PHP SDK sends
 * every header, empty ones included, so an empty UserName/Password beside a token is not an error.
 */
export async function authenticate(knex: Knex, c: Credentials, now: Date): Promise<Principal> {
  if (!present(c.developerToken)) throw new AdApiError(105);
  let user: User | undefined;
  if (present(c.authenticationToken)) {
    user = await userByToken(knex, c.authenticationToken.trim());
    if (!user) throw new AdApiError(105);
    if (user.tokenExpiresAt && user.tokenExpiresAt.getTime() <= now.getTime()) throw new AdApiError(109);
  } else if (present(c.userName) && present(c.password)) {
    user = await userByPassword(knex, c.userName, c.password);
  } else throw new AdApiError(105);
  if (!sameHash(tokenHash(c.developerToken.trim()), user.developerTokenHash)) throw new AdApiError(105);
  return principalOf(user);
}

export interface Source {
  /** The client's address (the socket's). */
  readonly address: string;
  readonly limiter: SignInLimiter;
  /** Wall-clock time of the request (the limiter ignores the test clock). */
  readonly wallNow: Date;
}

/**
 * `authenticate` behind the shared failed-sign-in limiter (SPEC §8): a paused address or user name gets code 117
 * with the seconds to wait before any credential is looked at, so the right password gets it too; a 105 counts
 * against the address and, when one was given, the user name; a password success clears the user name's count.
 */
export async function authenticateLimited(knex: Knex, c: Credentials, now: Date, source: Source): Promise<Principal> {
  const keys = { ip: source.address, username: present(c.userName) ? c.userName : null };
  const wait = await source.limiter.wait(keys, source.wallNow);
  if (wait > 0) throw new AdApiError(117, `Retry in ${waitSeconds(wait)} s.`);
  let principal: Principal;
  try {
    principal = await authenticate(knex, c, now);
  } catch (e) {
    if (e instanceof AdApiError && e.code === 105) await source.limiter.recordFailure(keys, source.wallNow);
    throw e;
  }
  if (keys.username !== null && !present(c.authenticationToken)) await source.limiter.clearUsername(keys.username);
  return principal;
}
