// Retry-After in both forms HTTP allows, as every retrying path reads it.
import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/core/retry-after.js';

const now = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('Retry-After', () => {
  it('#9.6: reads delta-seconds and HTTP-dates, and ignores anything else', () => {
    expect(retryAfterMs('5', now)).toBe(5_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('1.5', now)).toBe(1_500);
    expect(retryAfterMs(new Date(now + 7_000).toUTCString(), now)).toBe(7_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 11:59:00 GMT', now)).toBe(0);
    for (const junk of [undefined, null, '', 'soon', '-3', '2026-12-01T12:00:05Z', '1e3']) expect(retryAfterMs(junk, now)).toBeUndefined();
  });
});
