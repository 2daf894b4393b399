// Where the IMAP source remembers how far it got (UIDVALIDITY + last UID), with a JSON file implementation.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export interface ImapCursor {
  /** A bigint in the protocol; kept as a string so JSON does not round it. */
  uidValidity: string;
  lastUid: number;
}

export interface ImapCursorStore {
  load(key: string): Promise<ImapCursor | undefined>;
  save(key: string, cursor: ImapCursor): Promise<void>;
}

const fileSchema = z.record(z.string(), z.object({ uidValidity: z.string().regex(/^\d+$/), lastUid: z.number().int().min(0) }));

/**
 * One JSON file of cursors by key. Writes go to a temp file that is flushed and renamed over the old one, so a
 * crash leaves either the old or the new file, never half of one; writes in this process are serialized.
 */
export function createFileCursorStore(path: string): ImapCursorStore {
  let chain: Promise<unknown> = Promise.resolve();

  async function readAll(): Promise<Record<string, ImapCursor>> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return {};
      throw error;
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`IMAP cursor file ${path} is not valid: ${parsed.error.message}`);
    return parsed.data;
  }

  async function writeAll(all: Record<string, ImapCursor>): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(all, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  function serialized<T>(task: () => Promise<T>): Promise<T> {
    const next = chain.then(task, task);
    chain = next.catch(() => undefined);
    return next;
  }

  return {
    load: (key) => serialized(async () => (await readAll())[key]),
    save: (key, cursor) =>
      serialized(async () => {
        const all = await readAll();
        all[key] = { uidValidity: cursor.uidValidity, lastUid: cursor.lastUid };
        await writeAll(all);
      }),
  };
}

/** For tests and single-run tools. */
export function createMemoryCursorStore(): ImapCursorStore & { cursors: Map<string, ImapCursor> } {
  const cursors = new Map<string, ImapCursor>();
  return {
    cursors,
    load: async (key) => {
      const c = cursors.get(key);
      return c === undefined ? undefined : { ...c };
    },
    save: async (key, cursor) => {
      cursors.set(key, { ...cursor });
    },
  };
}
