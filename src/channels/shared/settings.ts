// The shapes a channel's settings take in the environment, read the same way by every channel.
import { z } from 'zod';

/** A comma-separated list; absent or empty is no entries. */
export const commaList = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x !== ''));

/** Absent and empty read the same: both are a setting not given. */
export const requiredSetting = (message: string) => z.string({ error: message }).min(1, message);
