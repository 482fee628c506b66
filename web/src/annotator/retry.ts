import { ApiError, request } from "../api";
import { uuid4 } from "./uuid";

// A state change that must apply once even when the answer is lost: the request carries an
// Idempotency-Key, and a network failure (no answer at all) is retried with the same key,
// which the server answers like the first time instead of applying it twice.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

export interface Idempotent {
  // The key of the attempt for this body: the same body (a retry by hand after the automatic
  // retries gave up) reuses it; a different body is a new attempt.
  keyFor(body: unknown): string;
  done(): void;
}

export function idempotency(): Idempotent {
  let current: { body: string; key: string } | null = null;
  return {
    keyFor(body: unknown) {
      const json = JSON.stringify(body);
      if (!current || current.body !== json) current = { body: json, key: uuid4() };
      return current.key;
    },
    done() {
      current = null;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function postWithRetry<T>(
  path: string,
  body: unknown,
  key: string,
  onRetry: (attempt: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request<T>("POST", path, { body, headers: { "Idempotency-Key": key } });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 0) || attempt >= BACKOFF_MS.length) throw err;
      onRetry(attempt + 1);
      await sleep(BACKOFF_MS[attempt]);
    }
  }
}
