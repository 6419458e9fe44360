// Insertion orders (SPEC §4a; insertionorder.md, insertionorderstatus.md, insertionorderpendingchanges.md): pure
// decisions about their status, their budget figures and what an update may change. Dates are UTC calendar days as
// 'YYYY-MM-DD' text; money is integer minor units as decimal strings; `today` is the UTC day of the caller's now.

export type IoStatus =
  'Active' | 'Canceled' | 'Declined' | 'Exhausted' | 'Expired' | 'NotStarted' | 'PendingUserReview' | 'Queued';
export type IoChangeStatus = 'ApproveChanges' | 'CancelChanges' | 'DeclineChanges' | 'PendingUserReview';

/** Approved statuses: the order's terms change only through PendingChanges (insertionorder.md, Status). */
export const APPROVED: readonly IoStatus[] = ['Active', 'Exhausted', 'Expired', 'NotStarted'];
/** Statuses whose order still counts against the account's dates (an overlapping new order is Declined). */
export const HOLDS_DATES: readonly IoStatus[] = ['Active', 'Exhausted', 'NotStarted'];
/** Statuses the sweep re-evaluates: the clock or spend may move them on. */
export const SWEPT: readonly IoStatus[] = ['Active', 'NotStarted'];

export const MAX_NAME = 100;
export const MAX_COMMENT = 100;
export const MAX_PURCHASE_ORDER = 50;

/** Codes of insertion-order problems: the official ones (475–480) and ours (documented in docs/documented-rules.md). */
export const IO_CODES = {
  invalidName: 475,
  invalidPurchaseOrder: 476,
  statusOnAdd: 477,
  notInvoiceAccount: 478,
  onlyStatus: 479,
  invalidStatus: 480,
  invalidDates: 5101,
  invalidSpendCap: 5102,
  unlimitedOrEndless: 5103,
  notFound: 5104,
  invalidComment: 5105,
  invalidThreshold: 5106,
  overlaps: 5107,
} as const;
export type IoCode = (typeof IO_CODES)[keyof typeof IO_CODES];

export interface IoProblem {
  readonly code: IoCode;
  readonly details: string;
}

/** The UTC calendar day of an instant. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The first instant of a UTC day, and of the day after it. */
export function dayBounds(day: string): { start: Date; next: Date } {
  const start = new Date(`${day}T00:00:00.000Z`);
  return { start, next: new Date(start.getTime() + 86_400_000) };
}

/** The terms an order is held to. `endDate` null: endless. `spendCapMinor` null: unlimited. */
export interface IoTerms {
  readonly startDate: string;
  readonly endDate: string | null;
  readonly spendCapMinor: string | null;
}

/** Where spend counts for the order: from its start day to the end of its end day, and never past now. */
export function spendWindow(terms: Pick<IoTerms, 'startDate' | 'endDate'>, now: Date): { from: Date; to: Date } {
  const from = dayBounds(terms.startDate).start;
  const end = terms.endDate === null ? now : dayBounds(terms.endDate).next;
  const to = end.getTime() < now.getTime() ? end : new Date(now.getTime() + 1);
  return { from, to: to.getTime() < from.getTime() ? from : to };
}

/**
 * The status of an approved order from its terms, the spend inside its dates and today: NotStarted before its start
 * day; Exhausted once the spend reaches a cap; Expired after its end day; else Active.
 */
export function approvedStatus(terms: IoTerms, spentMinor: string, today: string): IoStatus {
  if (today < terms.startDate) return 'NotStarted';
  if (terms.spendCapMinor !== null && BigInt(spentMinor) >= BigInt(terms.spendCapMinor)) return 'Exhausted';
  if (terms.endDate !== null && today > terms.endDate) return 'Expired';
  return 'Active';
}

/**
 * What the sweep (or a read) makes of a stored status: NotStarted and Active follow the clock and the spend; every
 * other status stays until a user or the operator changes it.
 */
export function currentStatus(stored: IoStatus, terms: IoTerms, spentMinor: string, today: string): IoStatus {
  return SWEPT.includes(stored) ? approvedStatus(terms, spentMinor, today) : stored;
}

/** BudgetSpent / BudgetRemaining and their percentages of the cap; all null for an unlimited order. */
export interface BudgetFigures {
  readonly spentMinor: string;
  readonly remainingMinor: string;
  /** Percent of the cap, truncated to 2 decimals, as decimal text ("37.5", "100"). */
  readonly spentPercent: string;
  readonly remainingPercent: string;
}

/** A non-negative ratio a/b as a percent truncated to 2 decimals, computed on integers. */
function percent(a: bigint, b: bigint): string {
  if (b === 0n) return '0';
  const hundredths = (a * 10000n) / b;
  const whole = hundredths / 100n;
  const frac = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole.toString();
}

export function budgetFigures(spendCapMinor: string | null, spentMinor: string): BudgetFigures | null {
  if (spendCapMinor === null) return null;
  const cap = BigInt(spendCapMinor);
  const spent = BigInt(spentMinor) < 0n ? 0n : BigInt(spentMinor);
  const remaining = spent >= cap ? 0n : cap - spent;
  return {
    spentMinor: spent.toString(),
    remainingMinor: remaining.toString(),
    spentPercent: percent(spent, cap),
    remainingPercent: percent(remaining, cap),
  };
}

/**
 * Whether NotificationThreshold (a percent of the cap) is reached: spent * 100 >= threshold * cap, exactly. The
 * threshold is decimal text of at most 4 decimals.
 */
export function thresholdReached(threshold: string | null, spendCapMinor: string | null, spentMinor: string): boolean {
  if (threshold === null || spendCapMinor === null) return false;
  const [whole = '0', frac = ''] = threshold.split('.');
  const scaled = BigInt(whole) * 10000n + BigInt(frac.padEnd(4, '0').slice(0, 4) || '0');
  return BigInt(spentMinor) * 100n * 10000n >= scaled * BigInt(spendCapMinor);
}

/** Whether two orders' date ranges share a day (an endless order runs for ever). */
export function datesOverlap(
  a: Pick<IoTerms, 'startDate' | 'endDate'>,
  b: Pick<IoTerms, 'startDate' | 'endDate'>,
): boolean {
  const aEndsBeforeB = a.endDate !== null && a.endDate < b.startDate;
  const bEndsBeforeA = b.endDate !== null && b.endDate < a.startDate;
  return !aEndsBeforeB && !bEndsBeforeA;
}

/** Editable text and number fields, as the request gives them; undefined: not given (unchanged). */
export interface IoEdits {
  readonly name?: string | null;
  readonly comment?: string | null;
  readonly purchaseOrder?: string | null;
  readonly startDate?: string;
  readonly endDate?: string;
  readonly spendCapMinor?: string;
  readonly notificationThreshold?: string | null;
  readonly referenceId?: string | null;
}

/** Every editable field, in one place for whoever walks them (changes, stored PendingChanges). */
export const IO_EDIT_FIELDS: readonly (keyof IoEdits)[] = [
  'name',
  'comment',
  'purchaseOrder',
  'startDate',
  'endDate',
  'spendCapMinor',
  'notificationThreshold',
  'referenceId',
];

/**
 * xs:double text as plain decimal text, exactly: Java clients write 10,000,000 as "1.0E7" (Double.toString), and
 * amounts must not pass through a binary float. Text that is not a plain or exponent decimal is returned as is (and
 * refused by the amount or threshold check).
 */
export function plainDecimal(text: string): string {
  const m = /^\+?(\d*)(?:\.(\d*))?[eE]([+-]?\d{1,3})$/.exec(text.trim());
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return text.trim();
  const digits = `${m[1]}${m[2] ?? ''}`;
  const point = (m[1] ?? '').length + Number(m[3]);
  if (point < -20 || point > 40) return text.trim();
  const padded = point <= 0 ? `${'0'.repeat(1 - point)}${digits}` : digits.padEnd(point, '0');
  const at = point <= 0 ? 1 : point;
  const whole = padded.slice(0, at).replace(/^0+(?=\d)/, '');
  const frac = padded.slice(at).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

/** Checks the free-text and threshold fields of an add or update, every problem at once. */
export function checkEdits(e: IoEdits): IoProblem[] {
  const problems: IoProblem[] = [];
  if (e.name != null && e.name.length > MAX_NAME)
    problems.push({ code: IO_CODES.invalidName, details: `Name: at most ${MAX_NAME} characters.` });
  if (e.purchaseOrder != null && e.purchaseOrder.length > MAX_PURCHASE_ORDER)
    problems.push({
      code: IO_CODES.invalidPurchaseOrder,
      details: `PurchaseOrder: at most ${MAX_PURCHASE_ORDER} characters.`,
    });
  if (e.comment != null && e.comment.length > MAX_COMMENT)
    problems.push({ code: IO_CODES.invalidComment, details: `Comment: at most ${MAX_COMMENT} characters.` });
  if (e.notificationThreshold != null && !validThreshold(e.notificationThreshold))
    problems.push({
      code: IO_CODES.invalidThreshold,
      details: 'NotificationThreshold: a percent from 0 to 100 with at most 4 decimals.',
    });
  if (e.spendCapMinor !== undefined && BigInt(e.spendCapMinor) <= 0n)
    problems.push({ code: IO_CODES.invalidSpendCap, details: 'SpendCapAmount: must be greater than zero.' });
  return problems;
}

function validThreshold(t: string): boolean {
  const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(t);
  if (!m) return false;
  const v = Number(t);
  return v >= 0 && v <= 100;
}

/** Checks the dates of a new order (or of an order under review): start today or later, end after start. */
export function checkNewDates(startDate: string | undefined, endDate: string | undefined, today: string): IoProblem[] {
  if (startDate === undefined) return [{ code: IO_CODES.invalidDates, details: 'StartDate is required.' }];
  if (endDate === undefined) return [{ code: IO_CODES.invalidDates, details: 'EndDate is required.' }];
  const problems: IoProblem[] = [];
  if (startDate < today)
    problems.push({ code: IO_CODES.invalidDates, details: `StartDate ${startDate} is before today (${today}, UTC).` });
  if (endDate <= startDate)
    problems.push({ code: IO_CODES.invalidDates, details: 'EndDate must be later than StartDate.' });
  return problems;
}

/** The status an advertiser's new order gets at once: Declined when it overlaps an approved order, else approved. */
export function statusOnAdd(terms: IoTerms, today: string, overlapsApproved: boolean): IoStatus {
  if (overlapsApproved) return 'Declined';
  return approvedStatus(terms, '0', today);
}

/** What an UpdateInsertionOrder asks for, decided against the stored order. */
export type UpdateDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'edit'; readonly edits: IoEdits }
  | { readonly kind: 'approve' }
  | { readonly kind: 'decline' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'requestChanges'; readonly edits: IoEdits }
  | { readonly kind: 'approveChanges' }
  | { readonly kind: 'declineChanges' }
  | { readonly kind: 'refuse'; readonly problem: IoProblem };

export interface StoredOrder {
  readonly status: IoStatus;
  readonly name: string | null;
  readonly comment: string | null;
  readonly purchaseOrder: string | null;
  readonly startDate: string;
  readonly endDate: string | null;
  readonly spendCapMinor: string | null;
  readonly notificationThreshold: string | null;
  readonly referenceId: string | null;
  readonly pendingChangeStatus: IoChangeStatus | null;
  /** The values of the stored PendingChanges that are set (a typed client sends them back as it read them). */
  readonly pendingEdits?: IoEdits;
}

export interface UpdateRequest {
  /** Status as sent; undefined or null: not given. */
  readonly status?: string | null;
  /** Top-level editable fields as sent (read-only ones are already dropped). */
  readonly edits: IoEdits;
  /** PendingChanges as sent; undefined: none. */
  readonly pending?: { readonly changeStatus?: string | null; readonly edits: IoEdits };
}

const refuse = (code: IoCode, details: string): UpdateDecision => ({ kind: 'refuse', problem: { code, details } });

/** The edits that differ from what is stored (a field sent back unchanged is no change). */
export function changedEdits(stored: StoredOrder, e: IoEdits): IoEdits {
  const out: Record<string, string | null> = {};
  const cmp = <K extends keyof IoEdits>(k: K, current: string | null): void => {
    const v = e[k];
    if (v === undefined) return;
    if (k === 'spendCapMinor' || k === 'notificationThreshold' || k === 'referenceId') {
      if (v === null ? current === null : current !== null && sameNumber(v, current)) return;
    } else if (v === current) return;
    out[k] = v;
  };
  for (const k of IO_EDIT_FIELDS) cmp(k, stored[k]);
  return out as IoEdits;
}

function sameNumber(a: string, b: string): boolean {
  const norm = (s: string): string => {
    const [w = '0', f = ''] = s.split('.');
    const frac = f.replace(/0+$/, '');
    return `${BigInt(w)}${frac ? `.${frac}` : ''}`;
  };
  return norm(a) === norm(b);
}

const isEmpty = (e: IoEdits): boolean => Object.keys(e).length === 0;

/**
 * Decides an update (insertionorder.md, Status and PendingChanges; SPEC §4a): under review the user edits the order
 * or sets Status Active / Declined, never both at once (479); an approved order changes only its Status (Canceled
 * from Active, Exhausted or NotStarted) or through PendingChanges (479 otherwise); Canceled and Declined orders are
 * final (480).
 */
export function decideUpdate(stored: StoredOrder, req: UpdateRequest, today: string): UpdateDecision {
  const edits = changedEdits(stored, req.edits);
  const status = req.status ?? null;
  const statusChange = status !== null && status !== stored.status ? status : null;
  if (stored.status === 'Canceled' || stored.status === 'Declined' || stored.status === 'Queued')
    return isEmpty(edits) && statusChange === null && !hasPending(stored, req)
      ? { kind: 'none' }
      : refuse(IO_CODES.invalidStatus, `The insertion order is ${stored.status} and cannot be updated.`);
  if (stored.status === 'PendingUserReview') {
    if (hasPending(stored, req))
      return refuse(
        IO_CODES.invalidStatus,
        'PendingChanges cannot be used before the insertion order is approved: set Status Active or Declined.',
      );
    if (statusChange !== null) {
      if (!isEmpty(edits))
        return refuse(IO_CODES.onlyStatus, 'Status cannot be changed together with other elements of the order.');
      if (statusChange === 'Active') return { kind: 'approve' };
      if (statusChange === 'Declined') return { kind: 'decline' };
      return refuse(
        IO_CODES.invalidStatus,
        `An insertion order under review can only be set Active or Declined, not ${statusChange}.`,
      );
    }
    if (isEmpty(edits)) return { kind: 'none' };
    if (edits.startDate !== undefined) {
      if (stored.startDate < today)
        return refuse(IO_CODES.invalidDates, 'StartDate: the start date has passed and cannot be changed.');
      if (edits.startDate < today)
        return refuse(IO_CODES.invalidDates, `StartDate ${edits.startDate} is before today (${today}, UTC).`);
    }
    const start = edits.startDate ?? stored.startDate;
    const end = edits.endDate ?? stored.endDate;
    if (end !== null && end <= start) return refuse(IO_CODES.invalidDates, 'EndDate must be later than StartDate.');
    return { kind: 'edit', edits };
  }
  // Approved: Active, Exhausted, Expired or NotStarted.
  if (!isEmpty(edits))
    return refuse(
      IO_CODES.onlyStatus,
      `Only the Status of an approved insertion order can be updated; change ${Object.keys(edits).join(', ')} through PendingChanges.`,
    );
  if (statusChange !== null) {
    if (hasPending(stored, req))
      return refuse(IO_CODES.onlyStatus, 'Status cannot be changed together with PendingChanges.');
    if (statusChange === 'Canceled' && stored.status !== 'Expired') return { kind: 'cancel' };
    return refuse(
      IO_CODES.invalidStatus,
      `A ${stored.status} insertion order can only be set Canceled${stored.status === 'Expired' ? ' while it is Active, Exhausted or NotStarted' : ''}, not ${statusChange}.`,
    );
  }
  if (!hasPending(stored, req)) return { kind: 'none' };
  const p = req.pending!;
  const pendingEdits = changedEdits(stored, p.edits);
  const change = p.changeStatus ?? null;
  if (change !== null && change !== 'PendingUserReview') {
    if (!isEmpty(pendingEdits))
      return refuse(IO_CODES.onlyStatus, 'ChangeStatus cannot be set together with other pending changes.');
    if (stored.pendingChangeStatus !== 'PendingUserReview')
      return refuse(
        IO_CODES.invalidStatus,
        `There are no pending changes to ${change === 'ApproveChanges' ? 'approve' : 'decline'}.`,
      );
    if (change === 'ApproveChanges') return { kind: 'approveChanges' };
    if (change === 'DeclineChanges') return { kind: 'declineChanges' };
    return refuse(IO_CODES.invalidStatus, 'Only the system cancels pending changes (CancelChanges).');
  }
  if (isEmpty(pendingEdits)) return { kind: 'none' };
  if (pendingEdits.startDate !== undefined && stored.status !== 'NotStarted')
    return refuse(IO_CODES.invalidDates, 'StartDate can only be changed while the insertion order is NotStarted.');
  if (pendingEdits.startDate !== undefined && pendingEdits.startDate < today)
    return refuse(IO_CODES.invalidDates, `StartDate ${pendingEdits.startDate} is before today (${today}, UTC).`);
  const start = pendingEdits.startDate ?? stored.startDate;
  const end = pendingEdits.endDate ?? stored.endDate;
  if (end !== null && end <= start) return refuse(IO_CODES.invalidDates, 'EndDate must be later than StartDate.');
  return { kind: 'requestChanges', edits: pendingEdits };
}

/**
 * Whether PendingChanges asks for anything: a ChangeStatus, or a value that differs from the order's. PendingChanges
 * sent back exactly as stored (ChangeStatus and values, as a typed client read them) asks for nothing.
 */
function hasPending(stored: StoredOrder, req: UpdateRequest): boolean {
  if (!req.pending) return false;
  const p = req.pending;
  if ((p.changeStatus ?? null) === stored.pendingChangeStatus && sameGiven(p.edits, stored.pendingEdits ?? {}))
    return false;
  return (p.changeStatus ?? null) !== null || !isEmpty(changedEdits(stored, p.edits));
}

/** Whether two sets of edits give the same fields with the same values (numbers compared as numbers). */
function sameGiven(a: IoEdits, b: IoEdits): boolean {
  const keys = (e: IoEdits): string[] =>
    Object.entries(e)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k)
      .sort();
  const ka = keys(a);
  if (ka.join() !== keys(b).join()) return false;
  const numeric = new Set(['spendCapMinor', 'notificationThreshold', 'referenceId']);
  return ka.every((k) => {
    const x = a[k as keyof IoEdits];
    const y = b[k as keyof IoEdits];
    if (x === null || y === null || x === undefined || y === undefined) return x === y;
    return numeric.has(k) ? sameNumber(x, y) : x === y;
  });
}
