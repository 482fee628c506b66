// Filters and keyset paging kept in the URL: the query holds the filters and the current
// page's cursor (so a reload or a shared link shows the same page); the history entry's state
// holds the cursors of the pages before it (browsers keep it across reloads) for Previous.

import { useLocation, useSearchParams } from "react-router-dom";

export const PAGE_SIZES = [25, 50, 100, 200];

export interface Paged<F extends string> {
  filters: Record<F, string>;
  cursor: string;
  limit: number;
  page: number;
  hasPrev: boolean;
  setFilters(next: Partial<Record<F, string>>): void;
  setLimit(limit: number): void;
  next(cursor: string): void;
  prev(): void;
}

export function usePaged<F extends string>(keys: readonly F[], defaultLimit = 50): Paged<F> {
  const [search, setSearch] = useSearchParams();
  const location = useLocation();
  const stack = ((location.state as { stack?: unknown } | null)?.stack as string[] | undefined) ?? [];
  const cursor = search.get("cursor") ?? "";
  const limit = Number(search.get("limit")) || defaultLimit;
  const filters = Object.fromEntries(keys.map((k) => [k, search.get(k) ?? ""])) as Record<F, string>;

  // A change of filters or page size starts again at the first page.
  function restart(values: Record<string, string>) {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) if (v) sp.set(k, v);
    setSearch(sp, { state: { stack: [] } });
  }

  return {
    filters,
    cursor,
    limit,
    page: cursor ? stack.length + 1 : 1,
    hasPrev: cursor !== "",
    setFilters(next) {
      restart({ ...filters, ...next, limit: search.get("limit") ?? "" });
    },
    setLimit(n) {
      restart({ ...filters, limit: n === defaultLimit ? "" : String(n) });
    },
    next(nextCursor) {
      const sp = new URLSearchParams(search);
      sp.set("cursor", nextCursor);
      setSearch(sp, { state: { stack: [...stack, cursor] } });
    },
    prev() {
      const rest = [...stack];
      const before = rest.pop() ?? "";
      const sp = new URLSearchParams(search);
      if (before) sp.set("cursor", before);
      else sp.delete("cursor");
      setSearch(sp, { state: { stack: rest } });
    },
  };
}
