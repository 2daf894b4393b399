// How long a server asked us to wait (HTTP `Retry-After`), shared by every path that calls a rate-limited service.

/**
 * Milliseconds to wait from `nowMs`, for either form RFC 9110 allows: delta-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`). A date in the past means "now" (0). Anything else is no advice (undefined).
 */
export function retryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Date.parse also takes ISO strings and bare numbers; only the IMF-fixdate shape (and its obsolete cousins,
  // which all name a weekday or month) is a date here.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
