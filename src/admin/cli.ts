// `billing …`: each command is one call to the operator API; it prints one JSON document on stdout and
// exits non-zero with a message on stderr on error (SPEC §6).
import { parseArgs } from 'node:util';

type FlagKind = 'string' | 'boolean';
interface Command {
  readonly words: readonly string[];
  readonly method: 'GET' | 'POST';
  readonly path: (flags: Flags, positionals: string[]) => string;
  /** flag name → [kind, JSON field name, required] */
  readonly flags: Record<string, readonly [FlagKind, string, boolean?]>;
  readonly usage: string;
  /** Builds the request body from flags and positionals (defaults to the mapped flags). */
  readonly body?: (flags: Flags, positionals: string[]) => Record<string, unknown>;
  /** How many positional arguments the command takes, [min, max] (default: one with a body, else none). */
  readonly positionals?: readonly [number, number];
}
type Flags = Record<string, string | boolean | undefined>;

const COMMANDS: readonly Command[] = [
  {
    words: ['customer', 'create'],
    method: 'POST',
    path: () => '/admin/customers',
    flags: { name: ['string', 'name', true] },
    usage: 'billing customer create --name N',
  },
  {
    words: ['account', 'create'],
    method: 'POST',
    path: () => '/admin/accounts',
    flags: {
      customer: ['string', 'customer', true],
      currency: ['string', 'currency', true],
      number: ['string', 'number'],
      'bill-to': ['string', 'billTo'],
      'payment-method': ['boolean', 'paymentMethod'],
      email: ['string', 'email'],
      invoice: ['boolean', 'invoice'],
    },
    usage:
      'billing account create --customer ID --currency USD [--number F…] [--bill-to CUSTOMER_ID] [--payment-method] [--email E] [--invoice]',
  },
  {
    words: ['io', 'create'],
    method: 'POST',
    path: () => '/admin/insertion-orders',
    flags: {
      account: ['string', 'account', true],
      name: ['string', 'name', true],
      amount: ['string', 'amount', true],
      start: ['string', 'start', true],
      end: ['string', 'end', true],
      po: ['string', 'po'],
    },
    usage: 'billing io create --account ID --name N --amount A --start YYYY-MM-DD --end YYYY-MM-DD [--po P]',
  },
  {
    words: ['account', 'add-payment-method'],
    method: 'POST',
    path: (f) => `/admin/accounts/${encodeURIComponent(String(f.account))}/payment-method`,
    flags: { account: ['string', 'account', true] },
    usage: 'billing account add-payment-method --account ID',
  },
  {
    words: ['user', 'create'],
    method: 'POST',
    path: () => '/admin/users',
    flags: {
      customer: ['string', 'customer', true],
      role: ['string', 'role', true],
      username: ['string', 'username'],
      password: ['string', 'password'],
      expires: ['string', 'expires'],
    },
    usage:
      'billing user create --customer ID --role SuperAdmin|Standard|ViewOnly [--username U --password P] [--expires ISO]',
  },
  {
    words: ['class', 'create'],
    method: 'POST',
    path: () => '/admin/classes',
    flags: {
      customer: ['string', 'customer', true],
      name: ['string', 'name', true],
      type: ['string', 'type', true],
      amount: ['string', 'amount', true],
      currency: ['string', 'currency', true],
      threshold: ['string', 'threshold'],
      'percent-off': ['string', 'percentOff'],
      'active-days': ['string', 'activeDays'],
      start: ['string', 'start'],
      end: ['string', 'end'],
      expires: ['string', 'expires'],
      'redeem-within-days': ['string', 'redeemWithinDays'],
      'feature-id': ['string', 'featureId'],
      'auto-grant': ['string', 'autoGrant'],
    },
    usage:
      'billing class create --customer ID --name N --type Acquisition|Retention --amount A --currency C [--threshold T] [--percent-off P] [--active-days D] [--start ISO] [--end ISO] [--expires ISO] [--redeem-within-days N] [--feature-id F] [--auto-grant new-accounts]',
  },
  {
    words: ['coupons', 'mint'],
    method: 'POST',
    path: () => '/admin/coupons/mint',
    flags: {
      customer: ['string', 'customer', true],
      class: ['string', 'class', true],
      count: ['string', 'count', true],
    },
    usage: 'billing coupons mint --customer ID --class N --count K',
  },
  {
    words: ['coupons', 'revoke'],
    method: 'POST',
    path: () => '/admin/coupons/revoke',
    flags: { code: ['string', 'code', true], reason: ['string', 'reason'] },
    usage: 'billing coupons revoke --code X [--reason R]',
  },
  {
    words: ['spend', 'record'],
    method: 'POST',
    path: () => '/admin/spend',
    flags: {
      account: ['string', 'account', true],
      amount: ['string', 'amount', true],
      at: ['string', 'at'],
      'transaction-id': ['string', 'transactionId'],
    },
    usage: 'billing spend record --account ID --amount A [--at ISO] [--transaction-id T]',
  },
  {
    words: ['offers'],
    method: 'GET',
    path: (f) => `/admin/accounts/${encodeURIComponent(String(f.account))}/offers`,
    flags: { account: ['string', 'account', true] },
    usage: 'billing offers --account ID',
  },
  {
    words: ['outbox'],
    method: 'GET',
    path: (f) => `/admin/outbox${f.status ? `?status=${encodeURIComponent(String(f.status))}` : ''}`,
    flags: { status: ['string', 'status'] },
    usage: 'billing outbox [--status pending|sent|failed]',
  },
  {
    words: ['group', 'create'],
    method: 'POST',
    path: () => '/admin/billing-groups',
    flags: {
      customer: ['string', 'customer', true],
      name: ['string', 'name', true],
      description: ['string', 'description'],
    },
    usage: 'billing group create --customer ID --name N [--description D]',
  },
  {
    words: ['documents'],
    method: 'GET',
    path: (f) => `/admin/accounts/${encodeURIComponent(String(f.account))}/documents`,
    flags: { account: ['string', 'account', true] },
    usage: 'billing documents --account ID',
  },
  {
    words: ['clock', 'set'],
    method: 'POST',
    path: () => '/admin/clock',
    flags: {},
    body: (_f, pos) => ({ set: pos[0] }),
    usage: 'billing clock set ISO',
  },
  {
    words: ['clock', 'advance'],
    method: 'POST',
    path: () => '/admin/clock',
    flags: {},
    body: (_f, pos) => ({ advance: pos[0] }),
    usage: 'billing clock advance P1D',
  },
  {
    words: ['clock', 'reset'],
    method: 'POST',
    path: () => '/admin/clock/reset',
    flags: {},
    positionals: [0, 1],
    body: (_f, pos) => (pos[0] === undefined ? {} : { at: pos[0] }),
    usage: 'billing clock reset [ISO]',
  },
  {
    words: ['clock', 'show'],
    method: 'GET',
    path: () => '/admin/clock',
    flags: {},
    usage: 'billing clock show',
  },
];

class UsageError extends Error {}

function usage(): string {
  return `usage:\n${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}\n\nglobal: --url URL (BILLING_URL, default http://127.0.0.1:8080) --admin-key KEY (BILLING_ADMIN_KEY)\n`;
}

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  const cmd = COMMANDS.find((c) => c.words.every((w, i) => argv[i] === w));
  if (!cmd) throw new UsageError(`unknown command '${argv.slice(0, 2).join(' ')}'`);
  const options: Record<string, { type: FlagKind }> = { url: { type: 'string' }, 'admin-key': { type: 'string' } };
  for (const [name, [kind]] of Object.entries(cmd.flags)) options[name] = { type: kind };
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(cmd.words.length), options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message, { cause: e });
  }
  const flags = parsed.values as Flags;
  for (const [name, [, , required]] of Object.entries(cmd.flags))
    if (required && flags[name] === undefined) throw new UsageError(`--${name} is required`);
  const [min, max] = cmd.positionals ?? (cmd.body ? [1, 1] : [0, 0]);
  if (parsed.positionals.length < min || parsed.positionals.length > max)
    throw new UsageError(`unexpected arguments: ${cmd.usage}`);
  const url = String(flags.url ?? env.BILLING_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = flags['admin-key'] ?? env.BILLING_ADMIN_KEY;
  if (!key) throw new UsageError('the admin key is required: --admin-key or BILLING_ADMIN_KEY');
  let body: Record<string, unknown> | undefined;
  if (cmd.method === 'POST') {
    body = cmd.body ? cmd.body(flags, parsed.positionals) : {};
    if (!cmd.body)
      for (const [name, [, field]] of Object.entries(cmd.flags))
        if (flags[name] !== undefined) body[field] = flags[name];
  }
  let res: Response;
  try {
    res = await fetch(`${url}${cmd.path(flags, parsed.positionals)}`, {
      method: cmd.method,
      headers: { Authorization: `Bearer ${String(key)}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
    throw new Error(`cannot reach ${url}: ${cause}`, { cause: e });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`unexpected answer from ${url} (HTTP ${res.status})`);
  }
  if (!res.ok) throw new Error((json as { error?: string }).error ?? `HTTP ${res.status}`);
  return json;
}

const argv = process.argv.slice(2);
if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
  process.stdout.write(usage());
} else {
  runCli(argv, process.env).then(
    (out) => process.stdout.write(`${JSON.stringify(out)}\n`),
    (e: unknown) => {
      process.stderr.write(`billing: ${(e as Error).message}\n`);
      if (e instanceof UsageError) process.stderr.write(usage());
      process.exitCode = e instanceof UsageError ? 2 : 1;
    },
  );
}
