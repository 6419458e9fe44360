// Predicates, Ordering and PageInfo of a search request (SearchCoupons, SearchInsertionOrders), read once.
import type { OrderByInput, PredicateInput } from '../../services/search-coupons.ts';
import { list, num, str } from '../context.ts';
import type { DObject } from '../xml-decode.ts';

export interface SearchRequestInput {
  readonly predicates: readonly PredicateInput[];
  readonly ordering: readonly OrderByInput[];
  readonly page: { readonly index: number | null; readonly size: number | null } | null;
}

export function searchInputOf(req: DObject): SearchRequestInput {
  const page = req.PageInfo as DObject | null | undefined;
  return {
    predicates: list((req.Predicates as DObject | null)?.Predicate).map((p): PredicateInput => ({
      field: str(p.Field),
      operator: str(p.Operator),
      value: str(p.Value),
    })),
    ordering: list((req.Ordering as DObject | null)?.OrderBy).map((o): OrderByInput => ({
      field: str(o.Field),
      order: str(o.Order),
    })),
    page: page ? { index: num(page.Index), size: num(page.Size) } : null,
  };
}
