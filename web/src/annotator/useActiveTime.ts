import { useCallback, useEffect, useRef } from "react";

// Time actually spent on an assignment: the clock runs only while the tab is visible, and
// restarts whenever `key` (the assignment) changes.
export function useActiveTime(key: unknown): () => number {
  const acc = useRef(0);
  const since = useRef<number | null>(null);

  useEffect(() => {
    acc.current = 0;
    since.current = document.visibilityState === "visible" ? performance.now() : null;
    function onVisibility() {
      if (document.visibilityState === "visible") {
        if (since.current === null) since.current = performance.now();
      } else if (since.current !== null) {
        acc.current += performance.now() - since.current;
        since.current = null;
      }
    }
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  }, [key]);

  return useCallback(() => {
    const running = since.current === null ? 0 : performance.now() - since.current;
    return Math.round(acc.current + running);
  }, []);
}
