// The OpenAI Agents SDK as its docs set it up for an OpenAI-compatible server: an Agent on
// OpenAIChatCompletionsModel with an `openai` client pointed at the stub (the SDK defaults to the Responses API),
// tools declared with zod, `needsApproval` on the sensitive one, tracing off (it would export to OpenAI).
//
// State, its way: conversation items go to a Session (the SDK's persistence interface; it ships no SQLite
// session in JS, so this one is node:sqlite with the same settings as Hardway's store), and at the approval
// pause the RunState is serialized with `result.state.toString()` into a table, then restored with
// `RunState.fromString` when the human answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Agent, OpenAIChatCompletionsModel, RunState, run, setTracingDisabled, tool, type AgentInputItem, type Session } from '@openai/agents';
import OpenAI from 'openai';
import { email, emailAsText, instructions, longEmail, seedEmail, toolResult, tools } from '../scenarios/email-triage.js';
import type { BenchSystem, SystemContext, SystemInstance } from '../lib/system.js';
import { objectOf } from './zod-tools.js';

const SEED_BATCH = 10_000;

function version(name: string): string {
  const file = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

const schema = `
CREATE TABLE IF NOT EXISTS session_items (
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  item TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS run_states (
  session_id TEXT PRIMARY KEY,
  state TEXT NOT NULL
) STRICT;`;

class SqliteSession implements Session {
  constructor(
    private readonly db: DatabaseSync,
    private readonly id: string,
  ) {}

  async getSessionId(): Promise<string> {
    return this.id;
  }

  async getItems(limit?: number): Promise<AgentInputItem[]> {
    const rows = this.db.prepare('SELECT item FROM session_items WHERE session_id = ? ORDER BY seq').all(this.id);
    const items = rows.map((r) => JSON.parse(String(r.item)) as AgentInputItem);
    return limit === undefined ? items : items.slice(-limit);
  }

  async addItems(items: AgentInputItem[]): Promise<void> {
    if (items.length === 0) return;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const last = this.db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM session_items WHERE session_id = ?').get(this.id);
      const insert = this.db.prepare('INSERT INTO session_items (session_id, seq, item) VALUES (?, ?, ?)');
      items.forEach((item, i) => insert.run(this.id, Number(last?.seq ?? 0) + 1 + i, JSON.stringify(item)));
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async popItem(): Promise<AgentInputItem | undefined> {
    const row = this.db.prepare('SELECT seq, item FROM session_items WHERE session_id = ? ORDER BY seq DESC LIMIT 1').get(this.id);
    if (row === undefined) return undefined;
    this.db.prepare('DELETE FROM session_items WHERE session_id = ? AND seq = ?').run(this.id, Number(row.seq));
    return JSON.parse(String(row.item)) as AgentInputItem;
  }

  async clearSession(): Promise<void> {
    this.db.prepare('DELETE FROM session_items WHERE session_id = ?').run(this.id);
  }
}

async function open(context: SystemContext): Promise<SystemInstance> {
  setTracingDisabled(true);
  const db = new DatabaseSync(join(context.dir, 'openai-agents.sqlite'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec(schema);
  const client = new OpenAI({ baseURL: context.baseUrl, apiKey: 'bench', maxRetries: 0 });
  const agent = new Agent({
    name: 'Linear Assistant',
    instructions,
    model: new OpenAIChatCompletionsModel(client, 'stub'),
    tools: tools.map((spec) =>
      tool({
        name: spec.name,
        description: spec.description,
        parameters: objectOf(spec.params, 'nullable'),
        needsApproval: spec.approval === true,
        execute: async () => JSON.stringify(toolResult(spec.name)),
      }),
    ),
  });
  const session = (key: string) => new SqliteSession(db, key);
  const saveState = db.prepare('INSERT OR REPLACE INTO run_states (session_id, state) VALUES (?, ?)');
  const loadState = db.prepare('SELECT state FROM run_states WHERE session_id = ?');

  const start = async (key: string): Promise<void> => {
    const result = await run(agent, emailAsText(email), { session: session(key), maxTurns: 50 });
    if (result.interruptions.length !== 1) throw new Error(`openai-agents: thread ${key} did not pause for approval`);
    saveState.run(key, result.state.toString());
  };
  const resume = async (key: string): Promise<void> => {
    const saved = loadState.get(key);
    if (saved === undefined) throw new Error(`openai-agents: no saved state for ${key}`);
    const state = await RunState.fromString(agent, String(saved.state));
    for (const interruption of state.getInterruptions()) state.approve(interruption);
    const result = await run(agent, state, { session: session(key), maxTurns: 50 });
    if (typeof result.finalOutput !== 'string' || result.interruptions.length > 0) {
      throw new Error(`openai-agents: thread ${key} did not end with a final answer`);
    }
  };

  return {
    start,
    async startSeed(key) {
      const result = await run(agent, emailAsText(seedEmail), { session: session(key), maxTurns: 50 });
      if (typeof result.finalOutput !== 'string') throw new Error(`openai-agents: seed thread ${key} did not finish`);
    },
    async runLong(key, steps) {
      const result = await run(agent, emailAsText(longEmail(steps)), { session: session(key), maxTurns: steps + 10 });
      if (typeof result.finalOutput !== 'string') throw new Error(`openai-agents: long thread ${key} did not finish`);
    },
    resume,
    async runConcurrently(keys) {
      await Promise.all(
        keys.map(async (key) => {
          await start(key);
          await resume(key);
        }),
      );
    },
    async stateSize(key) {
      const items = db
        .prepare('SELECT count(*) AS n, coalesce(sum(length(session_id) + 8 + length(CAST(item AS BLOB))), 0) AS bytes FROM session_items WHERE session_id = ?')
        .get(key);
      const state = db
        .prepare('SELECT count(*) AS n, coalesce(sum(length(session_id) + length(CAST(state AS BLOB))), 0) AS bytes FROM run_states WHERE session_id = ?')
        .get(key);
      return { rows: Number(items?.n ?? 0) + Number(state?.n ?? 0), bytes: Number(items?.bytes ?? 0) + Number(state?.bytes ?? 0) };
    },
    async seedCopies(template, count, firstIndex) {
      const series = 'WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)';
      const items = db.prepare(
        `${series} INSERT INTO session_items (session_id, seq, item) SELECT 'seed-' || i, seq, item FROM session_items, n WHERE session_id = ?`,
      );
      const states = db.prepare(
        `${series} INSERT INTO run_states (session_id, state) SELECT 'seed-' || i, state FROM run_states, n WHERE session_id = ?`,
      );
      for (let from = firstIndex; from < firstIndex + count; from += SEED_BATCH) {
        const to = Math.min(firstIndex + count, from + SEED_BATCH) - 1;
        db.exec('BEGIN IMMEDIATE');
        items.run(from, to, template);
        states.run(from, to, template);
        db.exec('COMMIT');
      }
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    },
    async close() {
      db.close();
    },
  };
}

export const system: BenchSystem = {
  id: 'openai-agents',
  name: 'OpenAI Agents SDK',
  versions: () => ({ '@openai/agents': version('@openai/agents'), openai: version('openai') }),
  durability: 'node:sqlite (a Session of ours: the SDK ships none for SQLite in JS), WAL, synchronous=FULL; RunState string saved at the pause',
  stateDescription: 'session item rows + the serialized RunState saved at the pause',
  open,
};
