// Billing documents (SPEC §4a): which months to close, a month's figures from the ledger, adjustments for spend
// recorded late into closed months, and the lines and totals of a document. Pure: ledger sums, what was already
// billed and the facts of the party come in; lines and a document come out. Money is integer minor units (bigint).

/** A ledger sum per account, UTC month (YYYY-MM-01), ledger kind and offer. */
export interface LedgerSum {
  readonly accountId: string;
  readonly period: string;
  /** `covered`: the offer paid for spend; `charge`: cash charged to the payment method (rule 6). */
  readonly kind: 'covered' | 'charge';
  readonly couponId: string | null;
  readonly amountMinor: bigint;
}

export type LineKind = 'spend' | 'credit' | 'cash';

/** A billed (or billable) amount per account, month, kind and offer (credit lines only have an offer). */
export interface Figure {
  readonly accountId: string;
  readonly period: string;
  readonly kind: LineKind;
  readonly couponId: string | null;
  readonly amountMinor: bigint;
}

const keyOf = (f: { accountId: string; period: string; kind: LineKind; couponId: string | null }): string =>
  `${f.accountId}|${f.period}|${f.kind}|${f.couponId ?? ''}`;

function add(map: Map<string, Figure>, f: Figure): void {
  const k = keyOf(f);
  const old = map.get(k);
  map.set(k, old ? { ...old, amountMinor: old.amountMinor + f.amountMinor } : f);
}

/**
 * What the ledger says was spent, credited and charged: every minor unit of spend is in exactly one covered or
 * charge entry (src/rules/spend.ts), so gross spend = credits + cash, exactly.
 */
export function figuresFromLedger(sums: readonly LedgerSum[]): Figure[] {
  const out = new Map<string, Figure>();
  for (const s of sums) {
    const base = { accountId: s.accountId, period: s.period, amountMinor: s.amountMinor };
    add(out, { ...base, kind: 'spend', couponId: null });
    if (s.kind === 'covered') add(out, { ...base, kind: 'credit', couponId: s.couponId });
    else add(out, { ...base, kind: 'cash', couponId: null });
  }
  return [...out.values()];
}

/** A line of the document of `month`: the month's own figure, or an adjustment to an earlier, closed month. */
export interface MonthLine extends Figure {
  readonly adjustment: boolean;
}

/**
 * The lines billed at the close of `month`: the month's figures as the ledger has them, and for every earlier
 * month what the ledger says now minus what documents already billed (spend recorded late, or coverage that a late
 * spend moved), when not zero. Later months are not billed yet. Zero lines are left out.
 */
export function monthLines(month: string, known: readonly Figure[], billed: readonly Figure[]): MonthLine[] {
  const diff = new Map<string, Figure>();
  for (const f of known) if (f.period <= month) add(diff, f);
  for (const f of billed) if (f.period < month) add(diff, { ...f, amountMinor: -f.amountMinor });
  return [...diff.values()].filter((f) => f.amountMinor !== 0n).map((f) => ({ ...f, adjustment: f.period < month }));
}

/** The accounts that get a document: those with at least one line. */
export const accountsWithActivity = (lines: readonly MonthLine[]): string[] => [
  ...new Set(lines.map((l) => l.accountId)),
];

/** UTC month start (YYYY-MM-01) of an instant. */
export function monthOf(at: Date): string {
  return `${at.getUTCFullYear().toString().padStart(4, '0')}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** The month after `month` (YYYY-MM-01). */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12
    ? `${String(y + 1).padStart(4, '0')}-01-01`
    : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The first instant of a month (YYYY-MM-01) in UTC. */
export const monthStart = (month: string): Date => new Date(`${month}T00:00:00Z`);

/**
 * The months to close at `now`, oldest first: every month that has ended, after the last one closed, starting at
 * the first month with ledger activity when none was closed yet. Empty when there is nothing to close.
 */
export function monthsToClose(lastClosed: string | null, firstActivity: Date | null, now: Date): string[] {
  const current = monthOf(now);
  let m = lastClosed !== null ? nextMonth(lastClosed) : firstActivity ? monthOf(firstActivity) : null;
  const out: string[] = [];
  while (m !== null && m < current) {
    out.push(m);
    m = nextMonth(m);
  }
  return out;
}

/** Document numbers as printed: INV- and eight digits at least. */
export const documentNumber = (n: bigint | string): string => `INV-${String(n).padStart(8, '0')}`;

/** What the document needs to know about an offer of a credit line. */
export interface OfferFacts {
  readonly couponCode: string;
  readonly className: string;
}

/** A line as printed: amounts as minor-unit decimal text (JSON-safe), the coupon shown by its code's last 4. */
export interface DocumentLine {
  readonly accountId: string;
  readonly accountNumber: string;
  /** YYYY-MM */
  readonly period: string;
  readonly adjustment: boolean;
  readonly kind: LineKind;
  readonly couponId: string | null;
  readonly couponCodeTail: string | null;
  readonly className: string | null;
  readonly amountMinor: string;
}

export interface DocumentTotals {
  /** The month's own gross spend, promotional credit and cash charged. */
  readonly grossSpendMinor: string;
  readonly promotionalCreditMinor: string;
  readonly cashChargedMinor: string;
  /** Cash adjustments for earlier months. */
  readonly adjustmentsMinor: string;
  /** Cash charged + adjustments: the document's Amount. */
  readonly amountMinor: string;
}

/** Everything on a document, stored at issuance and rendered as PDF or XML. */
export interface DocumentContent {
  readonly documentId: string;
  readonly number: string;
  /** ISO instant: the end of the billed month. */
  readonly documentDate: string;
  /** YYYY-MM */
  readonly period: string;
  readonly customer: { readonly id: string; readonly name: string };
  readonly group: { readonly id: string; readonly name: string } | null;
  readonly currency: string;
  readonly accounts: readonly {
    readonly id: string;
    readonly number: string;
    readonly purchaseOrder: string | null;
  }[];
  readonly lines: readonly DocumentLine[];
  readonly totals: DocumentTotals;
}

const KIND_ORDER: Record<LineKind, number> = { spend: 0, credit: 1, cash: 2 };

export interface DocumentParty {
  readonly customer: { readonly id: string; readonly name: string };
  readonly group: { readonly id: string; readonly name: string } | null;
  readonly currency: string;
  readonly accounts: readonly { readonly id: string; readonly number: string; readonly purchaseOrder: string | null }[];
}

/**
 * The document of `month` for a party (an account, or a billing group's accounts): its lines in a fixed order
 * (account number; the month's own lines, then adjustments by month; spend, credits, cash; offer id) and totals.
 */
export function buildDocument(
  input: { documentId: string; number: bigint; month: string; party: DocumentParty },
  lines: readonly MonthLine[],
  offers: ReadonlyMap<string, OfferFacts>,
): DocumentContent {
  const numberOf = new Map(input.party.accounts.map((a) => [a.id, a.number]));
  const sorted = [...lines].sort(
    (a, b) =>
      (numberOf.get(a.accountId) ?? '').localeCompare(numberOf.get(b.accountId) ?? '') ||
      Number(a.adjustment) - Number(b.adjustment) ||
      a.period.localeCompare(b.period) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (a.couponId ?? '').localeCompare(b.couponId ?? '', undefined, { numeric: true }),
  );
  const sum = (pick: (l: MonthLine) => boolean): bigint => lines.filter(pick).reduce((s, l) => s + l.amountMinor, 0n);
  const cash = sum((l) => l.kind === 'cash' && !l.adjustment);
  const adjustments = sum((l) => l.kind === 'cash' && l.adjustment);
  return {
    documentId: input.documentId,
    number: documentNumber(input.number),
    documentDate: monthStart(nextMonth(input.month)).toISOString(),
    period: input.month.slice(0, 7),
    customer: input.party.customer,
    group: input.party.group,
    currency: input.party.currency,
    accounts: input.party.accounts,
    lines: sorted.map((l) => {
      const offer = l.couponId ? offers.get(l.couponId) : undefined;
      return {
        accountId: l.accountId,
        accountNumber: numberOf.get(l.accountId) ?? l.accountId,
        period: l.period.slice(0, 7),
        adjustment: l.adjustment,
        kind: l.kind,
        couponId: l.couponId,
        couponCodeTail: offer ? offer.couponCode.slice(-4) : null,
        className: offer ? offer.className : null,
        amountMinor: l.amountMinor.toString(),
      };
    }),
    totals: {
      grossSpendMinor: sum((l) => l.kind === 'spend' && !l.adjustment).toString(),
      promotionalCreditMinor: sum((l) => l.kind === 'credit' && !l.adjustment).toString(),
      cashChargedMinor: cash.toString(),
      adjustmentsMinor: adjustments.toString(),
      amountMinor: (cash + adjustments).toString(),
    },
  };
}

/**
 * Whether a document dated `documentDate` is listed for the range: UTC dates compared, both ends included (the
 * time of day is ignored), EndDate nil meaning today.
 */
export function decideDocumentRange(
  start: Date,
  end: Date | null,
  now: Date,
): { kind: 'range'; from: Date; to: Date } | { kind: 'refuse' } {
  const day = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const from = day(start);
  const last = day(end ?? now);
  if (from.getTime() > last.getTime()) return { kind: 'refuse' };
  return { kind: 'range', from, to: new Date(last.getTime() + 86_400_000) };
}
