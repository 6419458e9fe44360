// GetAccountMonthlySpend's period (getaccountmonthlyspend.md, SPEC §4) as a pure decision: MonthYear counts by its
// UTC month and year only (day and time ignored); the current month is month-to-date; a future month is refused.

export type MonthlySpendDecision =
  | {
      readonly kind: 'sum';
      /** First instant of the month (inclusive). */
      readonly from: Date;
      /** Exclusive end: the next month's first instant, or just after `now` for the current month (month-to-date). */
      readonly to: Date;
    }
  | { readonly kind: 'refuseFutureMonth'; readonly month: string; readonly currentMonth: string };

/** `YYYY-MM` of a UTC instant. */
function monthLabel(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/** Months since year 0 of a UTC instant: comparable across years. */
function monthIndex(d: Date): number {
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The period whose spend answers `monthYear` at `now`, or a refusal when that month has not begun yet. */
export function decideMonthlySpendPeriod(monthYear: Date, now: Date): MonthlySpendDecision {
  if (monthIndex(monthYear) > monthIndex(now))
    return { kind: 'refuseFutureMonth', month: monthLabel(monthYear), currentMonth: monthLabel(now) };
  const from = new Date(0);
  from.setUTCFullYear(monthYear.getUTCFullYear(), monthYear.getUTCMonth(), 1);
  const next = new Date(from.getTime());
  next.setUTCMonth(next.getUTCMonth() + 1);
  // Spend is never recorded after now, but another instance's clock (or a test clock set back) may have: the
  // current month is month-to-date, now included.
  const to = next.getTime() > now.getTime() ? new Date(now.getTime() + 1) : next;
  return { kind: 'sum', from, to };
}
