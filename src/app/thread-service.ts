// Launch, pause and resume (factor 10): the operations every channel, the HTTP API and the CLI share.
import { decide, type Command } from '../core/decider.js';
import { HardwayError } from '../core/errors.js';
import type { ThreadEvent } from '../core/events.js';
import type { GuardLimits } from '../core/guards.js';
import type { Clock, IdSource, ThreadId } from '../core/ids.js';
import { deriveStatus, lastSeq, type Thread } from '../core/thread.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { RegisteredAgent } from './worker.js';

export interface ThreadServiceOptions {
  store: ThreadStore;
  agents: ReadonlyMap<string, RegisteredAgent>;
  defaultAgent: string;
  limits: GuardLimits;
  ids: IdSource;
  clock: Clock;
  /** Tells the workers there is work (they also poll). */
  onWork?: () => void;
}

export interface LaunchInput {
  agent?: string;
  message: string;
  from?: string;
  channel?: string;
}

export type Response =
  | { type: 'response'; message: string; from?: string; channel?: string }
  | { type: 'approval'; approved: boolean; comment?: string; by?: string; channel?: string }
  | { type: 'retry'; by?: string; channel?: string };

const MAX_CONFLICT_RETRIES = 5;

export class ThreadService {
  constructor(private readonly options: ThreadServiceOptions) {}

  async launch(input: LaunchInput): Promise<ThreadId> {
    const agent = input.agent ?? this.options.defaultAgent;
    if (!this.options.agents.has(agent)) throw new HardwayError('invalid_input', `unknown agent "${agent}"`);
    const id = this.options.ids.threadId();
    await this.options.store.create({
      id,
      agent,
      events: [
        {
          id: this.options.ids.eventId(),
          at: this.options.clock.now().toISOString(),
          type: 'message_received',
          data: { channel: input.channel ?? 'api', text: input.message, ...(input.from ? { from: input.from } : {}) },
        },
      ],
    });
    this.options.onWork?.();
    return id;
  }

  async load(id: ThreadId): Promise<Thread> {
    const thread = await this.options.store.load(id);
    if (thread === undefined) throw new HardwayError('thread_not_found', `no thread ${id}`);
    return thread;
  }

  /** Resumes a paused, failed or escalated thread; `invalid_state` when it is not waiting for this kind of answer. */
  async respond(id: ThreadId, response: Response): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const thread = await this.load(id);
      const agent = this.options.agents.get(thread.agent);
      if (agent === undefined) throw new HardwayError('invalid_state', `thread ${id} belongs to unknown agent ${thread.agent}`);
      // Replies that came since the thread paused answer the same question: the status before them decides.
      const status = deriveStatus(withoutTrailingReplies(thread.events), agent.definition.humanIntents);
      const command = toCommand(response, status, id);
      const events = decide(thread, command, {
        agent: agent.definition,
        limits: this.options.limits,
        ids: this.options.ids,
        clock: this.options.clock,
      });
      try {
        // An answer means the same wherever it lands, so it is stored at the end; a decision names the call it read.
        const expectedSeq = command.type === 'human_response' ? 'any' : lastSeq(thread);
        await this.options.store.append(id, events, { expectedSeq });
        this.options.onWork?.();
        return;
      } catch (error) {
        if (!HardwayError.isInstance(error, 'concurrency_conflict') || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }
}

function withoutTrailingReplies(events: readonly ThreadEvent[]): readonly ThreadEvent[] {
  const last = events.findLastIndex((e) => e.type !== 'human_replied');
  return events.slice(0, last + 1);
}

function toCommand(response: Response, status: string, id: ThreadId): Command {
  const channel = response.channel ?? 'api';
  switch (response.type) {
    case 'response':
      if (status !== 'awaiting_human' && status !== 'done') {
        throw new HardwayError('invalid_state', `thread ${id} is ${status}; it is not waiting for a response`);
      }
      return { type: 'human_response', channel, message: response.message, ...(response.from ? { from: response.from } : {}) };
    case 'approval':
      return {
        type: 'approval',
        approved: response.approved,
        by: response.by ?? channel,
        ...(response.comment ? { comment: response.comment } : {}),
      };
    case 'retry':
      return { type: 'retry', by: response.by ?? channel, channel };
    default: {
      const unreachable: never = response;
      throw new Error(`unknown response ${JSON.stringify(unreachable)}`);
    }
  }
}
