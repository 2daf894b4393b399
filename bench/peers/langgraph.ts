// LangGraph.js as its docs build a tool-calling agent: a StateGraph over MessagesAnnotation, an `agent` node
// calling ChatOpenAI with the tools bound, the prebuilt ToolNode, and the SqliteSaver checkpointer. The approval
// is LangGraph's human-in-the-loop idiom: `interrupt()` inside the sensitive tool, resumed with
// `new Command({ resume })`, which re-runs the tool node with the human's answer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HumanMessage, SystemMessage, isAIMessage, type BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { Command, END, MessagesAnnotation, START, StateGraph, interrupt } from '@langchain/langgraph';
import { ToolNode, toolsCondition } from '@langchain/langgraph/prebuilt';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { ChatOpenAI } from '@langchain/openai';
import { email, emailAsText, instructions, longEmail, seedEmail, toolResult, tools } from '../scenarios/email-triage.js';
import type { BenchSystem, SystemContext, SystemInstance } from '../lib/system.js';
import { objectOf } from './zod-tools.js';

const SEED_BATCH = 10_000;

function version(name: string): string {
  const file = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

function buildTools() {
  return tools.map((spec) =>
    tool(
      async (args: unknown) => {
        if (spec.approval) {
          const answer = interrupt<{ tool: string; args: unknown }, { approved: boolean }>({ tool: spec.name, args });
          if (!answer.approved) return 'The human denied this operation.';
        }
        return JSON.stringify(toolResult(spec.name));
      },
      { name: spec.name, description: spec.description, schema: objectOf(spec.params, 'optional') },
    ),
  );
}

async function open(context: SystemContext): Promise<SystemInstance> {
  const checkpointer = SqliteSaver.fromConnString(join(context.dir, 'langgraph.sqlite'));
  // better-sqlite3's connection under the saver: the bench reads and seeds its tables through it.
  const db = checkpointer.db;
  const lcTools = buildTools();
  const model = new ChatOpenAI({
    model: 'stub',
    apiKey: 'bench',
    maxRetries: 0,
    configuration: { baseURL: context.baseUrl },
  }).bindTools(lcTools);
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('agent', async (state: typeof MessagesAnnotation.State) => ({
      messages: [await model.invoke([new SystemMessage(instructions), ...state.messages])],
    }))
    .addNode('tools', new ToolNode(lcTools))
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', toolsCondition, ['tools', END])
    .addEdge('tools', 'agent')
    .compile({ checkpointer });

  const config = (key: string) => ({ configurable: { thread_id: key }, recursionLimit: 50 });

  function expectDone(key: string, messages: readonly BaseMessage[]): void {
    const last = messages.at(-1);
    if (last === undefined || !isAIMessage(last) || (last.tool_calls ?? []).length > 0) {
      throw new Error(`langgraph: thread ${key} did not end with a final answer`);
    }
  }

  const start = async (key: string): Promise<void> => {
    const result = await graph.invoke({ messages: [new HumanMessage(emailAsText(email))] }, config(key));
    if (!('__interrupt__' in result)) throw new Error(`langgraph: thread ${key} did not pause for approval`);
  };
  const resume = async (key: string): Promise<void> => {
    const result = await graph.invoke(new Command({ resume: { approved: true } }), config(key));
    expectDone(key, result.messages);
  };

  const size = (table: 'checkpoints' | 'writes', key: string): { n: number; bytes: number } => {
    const columns =
      table === 'checkpoints'
        ? 'length(thread_id) + length(checkpoint_ns) + length(checkpoint_id) + coalesce(length(parent_checkpoint_id), 0) + coalesce(length(type), 0) + coalesce(length(checkpoint), 0) + coalesce(length(metadata), 0)'
        : 'length(thread_id) + length(checkpoint_ns) + length(checkpoint_id) + length(task_id) + 8 + length(channel) + coalesce(length(type), 0) + coalesce(length(value), 0)';
    const row = db.prepare(`SELECT count(*) AS n, coalesce(sum(${columns}), 0) AS bytes FROM ${table} WHERE thread_id = ?`).get(key) as {
      n: number;
      bytes: number;
    };
    return row;
  };

  return {
    start,
    async startSeed(key) {
      const result = await graph.invoke({ messages: [new HumanMessage(emailAsText(seedEmail))] }, config(key));
      expectDone(key, result.messages);
    },
    async runLong(key, steps) {
      // Two graph steps (agent, tools) per model step.
      const result = await graph.invoke({ messages: [new HumanMessage(emailAsText(longEmail(steps)))] }, { ...config(key), recursionLimit: 2 * steps + 10 });
      expectDone(key, result.messages);
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
      const c = size('checkpoints', key);
      const w = size('writes', key);
      return { rows: c.n + w.n, bytes: c.bytes + w.bytes };
    },
    async seedCopies(template, count, firstIndex) {
      const series = 'WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)';
      const checkpoints = db.prepare(
        `${series} INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata)
         SELECT 'seed-' || i, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata FROM checkpoints, n WHERE thread_id = ?`,
      );
      const writes = db.prepare(
        `${series} INSERT INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value)
         SELECT 'seed-' || i, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value FROM writes, n WHERE thread_id = ?`,
      );
      const batch = db.transaction((from: number, to: number) => {
        checkpoints.run(from, to, template);
        writes.run(from, to, template);
      });
      for (let from = firstIndex; from < firstIndex + count; from += SEED_BATCH) {
        batch(from, Math.min(firstIndex + count, from + SEED_BATCH) - 1);
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async close() {
      db.close();
    },
  };
}

function synchronousMode(): string {
  const probe = SqliteSaver.fromConnString(':memory:').db;
  try {
    const mode = String(probe.pragma('synchronous', { simple: true }));
    return mode === '2' ? 'FULL' : mode === '1' ? 'NORMAL' : mode;
  } finally {
    probe.close();
  }
}

export const system: BenchSystem = {
  id: 'langgraph',
  name: 'LangGraph.js',
  versions: () => ({
    '@langchain/langgraph': version('@langchain/langgraph'),
    '@langchain/langgraph-checkpoint-sqlite': version('@langchain/langgraph-checkpoint-sqlite'),
    '@langchain/openai': version('@langchain/openai'),
    '@langchain/core': version('@langchain/core'),
  }),
  durability: `better-sqlite3 (SqliteSaver), WAL, synchronous=${synchronousMode()}; graph durability "async" (the default: each checkpoint is written while the next step runs)`,
  stateDescription: 'checkpoints + writes rows',
  open,
};
