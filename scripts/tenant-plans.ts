// "One tenant's volume never slows another" (README): loads a skewed multi-customer database, has a small customer
// B call every operation over SOAP while recording each SQL statement the service sends (Knex's statements and the
// named prepared ones of src/repositories/prepared.ts, which emits the same event), and runs
// EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) on each of them (writes inside a transaction that is rolled back). A
// prepared statement is explained twice: as planned for its first executions (a custom plan, with its values) and
// as the generic plan PostgreSQL switches to after five.
// Shared by `npm run explain` (scripts/explain.ts, 1,000,000 coupons) and test/integration/tenant-plans.test.ts;
// it needs only a running service (PlanTarget), so it imports nothing from test/.
import type { Knex } from 'knex';
import { emptyAccountState } from '../src/rules/index.ts';
import { makeAccount, makeCouponClass, makeCustomer, makeUser, mint } from '../test/support/factories.ts';

/** What the harness needs of a running service: its database, its SOAP endpoint and its operator API. */
export interface PlanTarget {
  readonly knex: Knex;
  readonly endpoint: string;
  admin<T>(path: string, body?: unknown): Promise<T>;
}

/** The feature id of every customer's first class, so feature-adoption queries meet every tenant's coupons. */
export const FEATURE = 7;
/** Customer A's share of the coupons. */
const A_SHARE = 0.3;
const CLASSES_PER_CUSTOMER = 3;
const ACCOUNTS_PER_CUSTOMER = 3;
/** Tables whose sequential scan would read other tenants' rows. */
export const TENANT_TABLES = new Set([
  'coupons',
  'coupon_classes',
  'accounts',
  'account_events',
  'account_states',
  'ledger_entries',
  'outbox',
]);

export interface Volume {
  readonly coupons: number;
  readonly customers: number;
  /** Customer A, holding ~30 % of the coupons. */
  readonly bigCustomerId: string;
}

/**
 * Customers 2..n and their accounts, classes, coupons, redemptions, claims, dispatches and account events, one
 * INSERT … SELECT per table. Customer A (the first bulk customer) owns 30 % of the coupons, the rest are spread
 * evenly; 40 % of coupons are redeemed (one in 20 by another customer's account), feature coupons are claimed,
 * one in 10 is dispatched, each account has spend twice a month and an engine state, and each customer's third
 * class is an Acquisition class.
 */
export async function loadVolume(db: Knex, coupons: number, customers: number): Promise<Volume> {
  // One transaction, so the temporary helper tables live on the connection that uses them.
  const bigCustomerId = await db.transaction((tx) => loadIn(tx, coupons, customers));
  await db.raw('ANALYZE');
  return { coupons, customers, bigCustomerId };
}

async function loadIn(knex: Knex.Transaction, coupons: number, customers: number): Promise<string> {
  const bulk = customers - 1;
  const big = Math.floor(coupons * A_SHARE);
  await knex.raw(`INSERT INTO customers (name) SELECT 'Bulk ' || g FROM generate_series(1, ?) g`, [bulk]);
  await knex.raw(`CREATE TEMP TABLE bulk_customers ON COMMIT DROP AS
    SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, id FROM customers WHERE name LIKE 'Bulk %'`);
  await knex.raw(
    `INSERT INTO accounts (customer_id, number, currency, bill_to_customer_id, payment_method_added_at)
     SELECT b.id, 'T' || lpad((b.i * ? + j)::text, 9, '0'), 'USD', b.id, now()
       FROM bulk_customers b CROSS JOIN generate_series(0, ? - 1) j`,
    [ACCOUNTS_PER_CUSTOMER, ACCOUNTS_PER_CUSTOMER],
  );
  await knex.raw(`CREATE TEMP TABLE bulk_accounts ON COMMIT DROP AS
    SELECT b.i, (row_number() OVER (PARTITION BY a.customer_id ORDER BY a.id) - 1)::int AS j, a.id
      FROM accounts a JOIN bulk_customers b ON b.id = a.customer_id`);
  await knex.raw(
    `INSERT INTO coupon_classes (customer_id, name, coupon_type, amount_minor, currency, start_date, end_date,
                                 expiration_date, active_days, feature_id)
     SELECT b.id, 'Class ' || j, CASE WHEN j = 2 THEN 'Acquisition' ELSE 'Retention' END, 5000, 'USD', '2020-01-01', '2099-01-01', '2099-06-01', 30,
            CASE WHEN j = 0 THEN ?::int END
       FROM bulk_customers b CROSS JOIN generate_series(0, ? - 1) j`,
    [FEATURE, CLASSES_PER_CUSTOMER],
  );
  await knex.raw(`CREATE TEMP TABLE bulk_classes ON COMMIT DROP AS
    SELECT b.i, substr(k.name, 7)::int AS j, k.id, k.name, k.start_date FROM coupon_classes k
      JOIN bulk_customers b ON b.id = k.customer_id`);
  await knex.raw('ANALYZE bulk_customers, bulk_accounts, bulk_classes');
  // g → owner i: the first `big` coupons are A's (i = 0), the rest cycle over the other bulk customers. Redeemed:
  // g % 5 in (1, 2); by the owner's account g % 3, or (g % 100 = 1) by the same account of the next customer.
  // Claimed (feature class only, j = 0): g % 5 = 3. Dispatched: g % 10 = 4.
  await knex.raw(
    `INSERT INTO coupons (class_id, owner_customer_id, class_name, start_date, code, minted_at, send_to_email,
                          send_to_date, redeemed_account_id, redemption_date, claimed_account_id, claim_date)
     SELECT k.id, o.id, k.name, k.start_date, 'V' || lpad(s.g::text, 12, '0'), now(),
            CASE WHEN s.g % 10 = 4 THEN 'user' || s.g || '@example.com' END,
            CASE WHEN s.g % 10 = 4 THEN now() END,
            CASE WHEN s.g % 5 IN (1, 2) THEN ra.id END, CASE WHEN s.g % 5 IN (1, 2) THEN now() END,
            CASE WHEN s.g % 5 = 3 AND s.j = 0 THEN oa.id END, CASE WHEN s.g % 5 = 3 AND s.j = 0 THEN now() END
       FROM (SELECT g, CASE WHEN g <= ? THEN 0 ELSE 1 + g % (? - 1) END AS i, g % ? AS j
               FROM generate_series(1, ?) g) s
       JOIN bulk_customers o ON o.i = s.i
       JOIN bulk_classes k ON k.i = s.i AND k.j = s.j
       JOIN bulk_accounts oa ON oa.i = s.i AND oa.j = s.g % ?
       JOIN bulk_accounts ra ON ra.i = CASE WHEN s.g % 100 = 1 THEN (s.i + 1) % ? ELSE s.i END AND ra.j = oa.j`,
    [big, bulk, CLASSES_PER_CUSTOMER, coupons, ACCOUNTS_PER_CUSTOMER, bulk],
  );
  await knex.raw(
    `INSERT INTO account_events (account_id, kind, at, coupon_id, terms)
     SELECT COALESCE(redeemed_account_id, claimed_account_id),
            CASE WHEN redeemed_account_id IS NULL THEN 'claim' ELSE 'redeem' END, now(), id, '{}'::jsonb
       FROM coupons WHERE redeemed_account_id IS NOT NULL OR claimed_account_id IS NOT NULL`,
  );
  await knex.raw(
    `INSERT INTO account_events (account_id, kind, at, amount_minor)
     SELECT a.id, 'spend', timestamptz '2025-01-01' + (m || ' days')::interval, 1000 + m
       FROM bulk_accounts a CROSS JOIN generate_series(0, 360, 15) m`,
  );
  // The engine's state per account, as redemptions leave it (an empty replay is enough for the plans).
  await knex.raw(`INSERT INTO account_states (account_id, state) SELECT id, ?::jsonb FROM bulk_accounts`, [
    JSON.stringify(emptyAccountState(false)),
  ]);
  const a = (await knex.raw(`SELECT id FROM bulk_customers WHERE i = 0`)) as { rows: { id: string }[] };
  return String(a.rows[0]!.id);
}

/** Customer B: two accounts, two classes (one of FEATURE), and coupons about the average customer's number. */
export interface SmallCustomer {
  readonly customerId: string;
  readonly accountId: string;
  readonly secondAccountId: string;
  readonly user: { readonly authenticationToken: string; readonly developerToken: string };
  readonly codes: string[];
  readonly featureCodes: string[];
}

/** B, made through the operator API as an operator would. */
export async function makeSmallCustomer(t: PlanTarget, coupons: number): Promise<SmallCustomer> {
  const customerId = await makeCustomer(t, 'Small B');
  const first = await makeAccount(t, customerId);
  const second = await makeAccount(t, customerId);
  const user = await makeUser(t, customerId);
  await makeCouponClass(t, customerId, { name: 'B Spring' });
  await makeCouponClass(t, customerId, { name: 'B Feature', featureId: FEATURE });
  const codes = await mint(t, customerId, 'B Spring', Math.ceil(coupons * 0.7));
  const featureCodes = await mint(t, customerId, 'B Feature', Math.floor(coupons * 0.3));
  return { customerId, accountId: first.id, secondAccountId: second.id, user, codes, featureCodes };
}

/** A coupon of the big customer that no one holds: B's operations name it to meet the big customer's rows. */
export async function availableCouponOf(knex: Knex, customerId: string): Promise<string> {
  const row = (await knex('coupons')
    .where({ owner_customer_id: customerId })
    .whereNull('redeemed_account_id')
    .whereNull('claimed_account_id')
    .whereNull('send_to_email')
    .first('code')) as { code: string };
  return row.code;
}

/**
 * What B's own data comes to: its accounts, classes and coupons, the coupons its accounts redeemed or claimed, and
 * its accounts' events. The bound a statement of B's is held to is derived from this, never from the table sizes.
 */
export async function ownRowsOf(knex: Knex, b: SmallCustomer): Promise<number> {
  const { rows } = (await knex.raw(
    `SELECT (SELECT count(*) FROM accounts WHERE customer_id = :c)
          + (SELECT count(*) FROM coupon_classes WHERE customer_id = :c)
          + (SELECT count(*) FROM coupons WHERE owner_customer_id = :c)
          + (SELECT count(*) FROM coupons x JOIN accounts a ON a.id IN (x.redeemed_account_id, x.claimed_account_id)
              WHERE a.customer_id = :c)
          + (SELECT count(*) FROM account_events e JOIN accounts a ON a.id = e.account_id WHERE a.customer_id = :c)
          AS n`,
    { c: b.customerId },
  )) as { rows: { n: string }[] };
  return Number(rows[0]!.n);
}

/** A SOAP 1.1 request of B with the Billing auth headers. */
function envelope(operation: string, inner: string, b: SmallCustomer): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ` +
    `xmlns:b="https://bingads.microsoft.com/Billing/v13" xmlns:e="https://bingads.microsoft.com/Customer/v13/Entities" ` +
    `xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><s:Header>` +
    `<b:AuthenticationToken>${b.user.authenticationToken}</b:AuthenticationToken>` +
    `<b:DeveloperToken>${b.user.developerToken}</b:DeveloperToken></s:Header><s:Body>` +
    `<b:${operation}Request>${inner}</b:${operation}Request></s:Body></s:Envelope>`
  );
}

async function postSoap(endpoint: string, xml: string): Promise<{ status: number; body: string }> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: xml,
  });
  return { status: res.status, body: await res.text() };
}

const pred = (field: string, op: string, value: string): string =>
  `<e:Predicate><e:Field>${field}</e:Field><e:Operator>${op}</e:Operator><e:Value>${value}</e:Value></e:Predicate>`;

/** B's SearchCoupons requests: the required CustomerId predicate plus each other shape worth a plan. */
function searchesOf(b: SmallCustomer): readonly (readonly [string, string])[] {
  const preds = (...more: string[]): string =>
    `<b:Predicates>${pred('CustomerId', 'Equals', b.customerId)}${more.join('')}</b:Predicates>`;
  const order = (field: string, dir: string): string =>
    `<b:Ordering><e:OrderBy><e:Field>${field}</e:Field><e:Order>${dir}</e:Order></e:OrderBy></b:Ordering>`;
  const page = (index: number): string => `<b:PageInfo><e:Index>${index}</e:Index><e:Size>100</e:Size></b:PageInfo>`;
  return [
    ['SearchCoupons, first page', preds()],
    ['SearchCoupons, page 5 by CouponClassName', `${preds()}${order('CouponClassName', 'Descending')}${page(4)}`],
    ['SearchCoupons, page 3 by CouponStartDate', `${preds()}${order('CouponStartDate', 'Ascending')}${page(2)}`],
    ['SearchCoupons, IsRedeemed Equals true', preds(pred('IsRedeemed', 'Equals', 'true'))],
    ['SearchCoupons, ClassName Equals', preds(pred('ClassName', 'Equals', 'B Feature'))],
    ['SearchCoupons, CouponCode In', preds(pred('CouponCode', 'In', `${b.codes[1]},${b.codes[2]}`))],
    ['SearchCoupons, AccountId Equals', preds(pred('AccountId', 'Equals', b.accountId))],
    [
      'SearchCoupons, StartDate and RedemptionDate',
      preds(
        pred('StartDate', 'GreaterThanEquals', '2019-01-01T00:00:00Z'),
        pred('RedemptionDate', 'GreaterThanEquals', '2020-01-01T00:00:00Z'),
      ),
    ],
    ['SearchCoupons, SendToEmail Contains', preds(pred('SendToEmail', 'Contains', 'example'))],
  ];
}

const ARR = 'xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"';

/** One SOAP call per operation by B (some twice, for their other paths); each must succeed. */
export function operationsOf(b: SmallCustomer, foreignCode: string): readonly (readonly [string, string, string])[] {
  const w = b;
  const acct = `<b:AccountId>${w.accountId}</b:AccountId>`;
  return [
    ...searchesOf(b).map(([label, inner]) => [label, 'SearchCoupons', inner] as const),
    ['RedeemCoupon', 'RedeemCoupon', `${acct}<b:CouponCode>${b.codes[0]}</b:CouponCode>`],
    ['RedeemCoupon (a coupon of customer A)', 'RedeemCoupon', `${acct}<b:CouponCode>${foreignCode}</b:CouponCode>`],
    ['GetCouponInfo', 'GetCouponInfo', `<b:CustomerId>${w.customerId}</b:CustomerId>`],
    ['GetAccountMonthlySpend', 'GetAccountMonthlySpend', `${acct}<b:MonthYear>2025-03-01T00:00:00Z</b:MonthYear>`],
    [
      'DispatchCoupons',
      'DispatchCoupons',
      `<b:SendToEmails ${ARR}><a:string>b1@example.com</a:string><a:string>b2@example.com</a:string></b:SendToEmails>` +
        `<b:CustomerId>${w.customerId}</b:CustomerId><b:CouponClassName>B Spring</b:CouponClassName>`,
    ],
    [
      'CheckFeatureAdoptionCouponEligibility',
      'CheckFeatureAdoptionCouponEligibility',
      `<b:FeatureId>${FEATURE}</b:FeatureId><b:AccountIds ${ARR}><a:long>${w.accountId}</a:long>` +
        `<a:long>${b.secondAccountId}</a:long></b:AccountIds>`,
    ],
    [
      'ClaimFeatureAdoptionCoupons',
      'ClaimFeatureAdoptionCoupons',
      `<b:AccountCouponPairs><e:KeyValueEntityOflongstring><e:Key>${w.accountId}</e:Key>` +
        `<e:Value>${b.featureCodes[0]}</e:Value></e:KeyValueEntityOflongstring></b:AccountCouponPairs>`,
    ],
    [
      'DistributeCoupons (by FeatureId)',
      'DistributeCoupons',
      `<b:AccountIds ${ARR}><a:int>${b.secondAccountId}</a:int></b:AccountIds>` +
        `<b:FeatureId>${FEATURE}</b:FeatureId><b:SendNotification>false</b:SendNotification>`,
    ],
    [
      'DistributeCoupons (by ClassName)',
      'DistributeCoupons',
      `<b:AccountIds ${ARR}><a:int>${w.accountId}</a:int></b:AccountIds><b:ClassName>B Spring</b:ClassName>` +
        `<b:SendNotification>true</b:SendNotification>`,
    ],
  ];
}

export interface CapturedQuery {
  readonly operation: string;
  readonly sql: string;
  readonly bindings: readonly unknown[];
  /** Sent as a named prepared statement, so PostgreSQL runs it with a generic plan after five executions. */
  readonly prepared: boolean;
}

/** Runs B's operations over SOAP and returns every distinct data statement each sent through Knex. */
export async function captureOperations(
  t: PlanTarget,
  b: SmallCustomer,
  foreignCode: string,
): Promise<{ queries: CapturedQuery[]; failures: string[] }> {
  const queries: CapturedQuery[] = [];
  const failures: string[] = [];
  let current = '';
  const seen = new Set<string>();
  const listener = (q: { sql: string; bindings?: readonly unknown[]; prepared?: boolean }): void => {
    if (!/^\s*(select|with|insert|update|delete)\b/i.test(q.sql) || current === '') return;
    const key = `${current}\u0000${q.sql}`;
    if (seen.has(key)) return;
    seen.add(key);
    queries.push({ operation: current, sql: q.sql, bindings: q.bindings ?? [], prepared: q.prepared === true });
  };
  // On PGlite the load blocked this process, server included, for longer than its keep-alive timeout: a turn of the
  // event loop lets it close those idle connections before a request could be sent on one of them (ECONNRESET).
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.knex.on('query', listener);
  try {
    for (const [label, op, inner] of operationsOf(b, foreignCode)) {
      current = label;
      const res = await postSoap(t.endpoint, envelope(op, inner, b));
      current = '';
      if (res.status !== 200 || /PartialErrors>.*<\w*:?Code>/.test(res.body)) failures.push(`${label}: ${res.body}`);
    }
  } finally {
    t.knex.removeListener('query', listener);
  }
  return { queries, failures };
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Plan Rows': number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

export interface PlanSummary {
  readonly operation: string;
  readonly sql: string;
  /** The generic plan of a prepared statement (else the plan for the statement's values). */
  readonly generic: boolean;
  readonly analyzed: boolean;
  readonly plan: PlanNode;
  /** Sequential scans of tenant tables (must be none). */
  readonly seqScans: string[];
  /**
   * Rows read by the scan nodes: rows returned plus rows removed by their filters, times loops (planned rows when
   * not analyzed).
   */
  readonly rowsRead: number;
  /** Largest row count of any node. */
  readonly maxNodeRows: number;
  /** Shared buffers hit or read by the whole statement (0 when not analyzed). */
  readonly buffers: number;
  /** Indexes the plan walks. */
  readonly indexes: string[];
}

export const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

const rowsOf = (n: PlanNode): number => (n['Actual Rows'] ?? n['Plan Rows']) * (n['Actual Loops'] ?? 1);
const readOf = (n: PlanNode): number =>
  ((n['Actual Rows'] ?? n['Plan Rows']) +
    (n['Rows Removed by Filter'] ?? 0) +
    (n['Rows Removed by Index Recheck'] ?? 0)) *
  (n['Actual Loops'] ?? 1);

/** Knex reports `$n` placeholders; knex.raw wants `?` with the bindings in order. */
function toRaw(q: CapturedQuery): { sql: string; bindings: Knex.RawBinding[] } {
  const bindings: Knex.RawBinding[] = [];
  const sql = q.sql.replace(/\$(\d+)/g, (_, n: string) => {
    bindings.push(q.bindings[Number(n) - 1] as Knex.RawBinding);
    return '?';
  });
  return /\$\d/.test(q.sql) ? { sql, bindings } : { sql: q.sql, bindings: q.bindings as Knex.RawBinding[] };
}

function planOf({ rows }: PlanRows): PlanNode {
  const raw = rows[0]!['QUERY PLAN'];
  return ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[])[0]!.Plan;
}

class Rollback extends Error {}

/**
 * The plan of `sql` (its `?` bound to `bindings`): as PostgreSQL plans it for these values, or, with `generic`, as a
 * prepared statement's generic plan (PREPARE, then EXECUTE under plan_cache_mode = force_generic_plan). Analyzed
 * inside a transaction that is rolled back; when running it fails (an insert whose row now exists), the plan alone.
 */
async function planIn(knex: Knex, q: CapturedQuery, generic: boolean): Promise<{ plan: PlanNode; analyzed: boolean }> {
  const { sql, bindings } = toRaw(q);
  const explainOf = async (tx: Knex.Transaction, options: string): Promise<PlanNode> => {
    if (!generic) return planOf((await tx.raw(`EXPLAIN (${options}) ${sql}`, bindings)) as PlanRows);
    // EXPLAIN EXECUTE takes no bind parameters of its own: the values go in as literals.
    const args = q.bindings.map(literal).join(', ');
    return planOf((await tx.raw(`EXPLAIN (${options}) EXECUTE tenant_plan${args ? `(${args})` : ''}`)) as PlanRows);
  };
  let plan: PlanNode | undefined;
  let analyzed = true;
  await knex
    .transaction(async (tx) => {
      if (generic) {
        // A prepared statement outlives the transaction: deallocated below, whatever happens.
        // The statement's own text, with its $n placeholders (prepared statements are sent so).
        await tx.raw(`PREPARE tenant_plan AS ${q.sql}`);
        await tx.raw('SET LOCAL plan_cache_mode = force_generic_plan');
      }
      try {
        await tx.raw('SAVEPOINT analyzed');
        try {
          plan = await explainOf(tx, 'ANALYZE, BUFFERS, FORMAT JSON');
        } catch {
          await tx.raw('ROLLBACK TO SAVEPOINT analyzed');
          analyzed = false;
          plan = await explainOf(tx, 'FORMAT JSON');
        }
      } finally {
        if (generic) await tx.raw('DEALLOCATE tenant_plan');
      }
      throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return { plan: plan!, analyzed };
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A bound value as an SQL literal, typed by the prepared statement's parameter it is passed to. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return quote(v.toISOString());
  if (Array.isArray(v))
    return quote(`{${v.map((e) => (e === null ? 'NULL' : `"${String(e).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`);
  if (Buffer.isBuffer(v)) return quote(`\\x${v.toString('hex')}`);
  if (typeof v === 'object') return quote(JSON.stringify(v));
  return quote(String(v as string | number | boolean | bigint));
}

type PlanRows = { rows: { 'QUERY PLAN': unknown }[] };

/** The summary of one statement's plan (the generic plan with `generic`, for a prepared statement). */
export async function explainQuery(knex: Knex, q: CapturedQuery, generic = false): Promise<PlanSummary> {
  const { plan, analyzed } = await planIn(knex, q, generic);
  const nodes = nodesOf(plan);
  const scans = nodes.filter((n) => n['Relation Name'] !== undefined);
  return {
    operation: q.operation,
    sql: q.sql,
    generic,
    analyzed,
    plan,
    seqScans: scans
      .filter((n) => n['Node Type'] === 'Seq Scan' && TENANT_TABLES.has(n['Relation Name']!))
      .map((n) => n['Relation Name']!),
    rowsRead: scans.reduce((s, n) => s + readOf(n), 0),
    maxNodeRows: Math.max(...nodes.map(rowsOf)),
    buffers: (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0),
    indexes: [...new Set(scans.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])))],
  };
}

/** Every plan of the statements: each one's, plus the generic plan of each prepared statement. */
export async function explainAll(knex: Knex, queries: readonly CapturedQuery[]): Promise<PlanSummary[]> {
  const out: PlanSummary[] = [];
  for (const q of queries) {
    out.push(await explainQuery(knex, q));
    if (q.prepared) out.push(await explainQuery(knex, q, true));
  }
  return out;
}

/** The plan as indented text, for assertion messages. */
export const showPlan = (n: PlanNode, depth = 0): string =>
  [
    `${'  '.repeat(depth)}${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}` +
      `${n['Index Name'] ? ` using ${n['Index Name']}` : ''} (rows ${rowsOf(n)}${
        n['Shared Hit Blocks'] !== undefined
          ? `, buffers ${n['Shared Hit Blocks'] + (n['Shared Read Blocks'] ?? 0)}`
          : ''
      })`,
    ...(n.Plans ?? []).map((c) => showPlan(c, depth + 1)),
  ].join('\n');

/** One line per statement: operation, rows read, buffers, indexes, and the statement's start. */
export function summaryLine(s: PlanSummary): string {
  const sql = s.sql.replace(/\s+/g, ' ').slice(0, 70);
  return (
    `${(s.generic ? `${s.operation} (generic)` : s.operation).padEnd(42)} ${String(s.rowsRead).padStart(7)} ${String(s.buffers).padStart(6)}` +
    `${s.analyzed ? '' : ' (est.)'}  ${s.seqScans.length ? `SEQ SCAN ${s.seqScans.join(',')} ` : ''}` +
    `${s.indexes.join(',') || '-'}\n${' '.repeat(44)}${sql}`
  );
}
