// The one intake (factor 11): everything from outside — a new message, a reply, an approval decision, a retry —
// enters a thread through `receive`, whichever channel carried it. Load → decide → append with the deliveries →
// retry on conflict only → wake a worker. No channel writes a person's input itself.
import { decideHumanInput, decideOpening, type HumanInput, type MayApprove, type Sender } from '../core/human-input.js';
import { HardwayError } from '../core/errors.js';
import type { GuardLimits } from '../core/guards.js';
import type { Clock, IdSource, ThreadId } from '../core/ids.js';
import { lastSeq, type Thread } from '../core/thread.js';
import { retryOnConflict } from '../store/retry-on-conflict.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { RegisteredAgent } from './agent-module.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { Inbound, ReceiveOutcome, ThreadIntake } from './intake.js';

export interface ThreadServiceOptions {
  store: ThreadStore;
  agents: ReadonlyMap<string, RegisteredAgent>;
  defaultAgent: string;
  limits: GuardLimits;
  ids: IdSource;
  clock: Clock;
  /**
   * Who may decide approvals, by the channel the decision came through. A channel not listed lets whoever can reach
   * it decide: the HTTP API is behind its token, the CLI runs on this machine.
   */
  approvers?: Readonly<Record<string, MayApprove>>;
  /** Tells the workers there is work (they also poll). */
  onWork?: (threadId: ThreadId) => void;
  /** A span per input received; none when tracing is off. */
  tracing?: Tracing;
}

export interface LaunchInput {
  agent?: string;
  message: string;
  from?: string;
  channel?: string;
}

/** The API's and the CLI's ways of answering, kept as a thin layer over `receive`. */
export type Response =
  | { type: 'response'; message: string; from?: string; channel?: string }
  | { type: 'approval'; approved: boolean; comment?: string; by?: string; channel?: string }
  | { type: 'retry'; by?: string; channel?: string };

export class ThreadService implements ThreadIntake {
  constructor(private readonly options: ThreadServiceOptions) {}

  async receive(inbound: Inbound): Promise<ReceiveOutcome> {
    const span = this.options.tracing?.intake({
      kind: inbound.kind,
      channel: inbound.from.channel,
      ...(inbound.kind === 'input' ? { threadId: inbound.threadId } : {}),
    });
    try {
      const outcome = await this.dispatch(inbound);
      span?.end({ outcome: outcome.kind, threadId: outcome.threadId });
      return outcome;
    } catch (error) {
      span?.end({ error });
      throw error;
    }
  }

  private async dispatch(inbound: Inbound): Promise<ReceiveOutcome> {
    switch (inbound.kind) {
      case 'start':
        return this.start(inbound);
      case 'input':
        return this.resume(inbound);
      default: {
        const unreachable: never = inbound;
        throw new Error(`unknown inbound ${JSON.stringify(unreachable)}`);
      }
    }
  }

  async launch(input: LaunchInput): Promise<ThreadId> {
    const outcome = await this.receive({
      kind: 'start',
      ...(input.agent !== undefined ? { agent: input.agent } : {}),
      from: { channel: input.channel ?? 'api', ...(input.from !== undefined ? { id: input.from } : {}) },
      opening: { kind: 'message', text: input.message },
    });
    return outcome.threadId;
  }

  /** Resumes a paused, failed or escalated thread; `invalid_state` when it is not waiting for this kind of answer. */
  async respond(id: ThreadId, response: Response): Promise<void> {
    await this.receive({ kind: 'input', threadId: id, ...fromResponse(response) });
  }

  async load(id: ThreadId): Promise<Thread> {
    const thread = await this.options.store.load(id);
    if (thread === undefined) throw new HardwayError('thread_not_found', `no thread ${id}`);
    return thread;
  }

  private async start(inbound: Extract<Inbound, { kind: 'start' }>): Promise<ReceiveOutcome> {
    const agent = inbound.agent ?? this.options.defaultAgent;
    if (!this.options.agents.has(agent)) throw new HardwayError('invalid_input', `unknown agent "${agent}"`);
    const id = this.options.ids.threadId();
    const result = await this.options.store.create({
      id,
      agent,
      events: [decideOpening(inbound.from, inbound.opening, this.options)],
      ...(inbound.delivery !== undefined ? { delivery: inbound.delivery } : {}),
    });
    if (!result.created) return { kind: 'duplicate', threadId: result.duplicateOf };
    this.options.onWork?.(id);
    return { kind: 'started', threadId: id };
  }

  private async resume(inbound: Extract<Inbound, { kind: 'input' }>): Promise<ReceiveOutcome> {
    const id = inbound.threadId;
    // A redelivery is a no-op even when what it said would no longer be accepted (an approval already given).
    const seen = inbound.delivery !== undefined ? await this.options.store.findDelivery(inbound.delivery) : undefined;
    if (seen !== undefined) return { kind: 'duplicate', threadId: seen };
    const outcome = await retryOnConflict(async (): Promise<ReceiveOutcome> => {
      const thread = await this.load(id);
      const agent = this.options.agents.get(thread.agent);
      if (agent === undefined) throw new HardwayError('invalid_state', `thread ${id} belongs to unknown agent ${thread.agent}`);
      const decided = decideHumanInput(
        thread,
        { type: 'human_input', from: inbound.from, input: inbound.input, ...(inbound.metadata !== undefined ? { metadata: inbound.metadata } : {}) },
        {
          agent: agent.definition,
          ids: this.options.ids,
          clock: this.options.clock,
          mayApprove: this.options.approvers?.[inbound.from.channel] ?? (() => true),
        },
      );
      // A reply means the same wherever it lands, so it is stored at the end; a decision names the state it read.
      const appended = await this.options.store.append(id, decided.events, {
        expectedSeq: decided.readsState ? lastSeq(thread) : 'any',
        ...(inbound.delivery !== undefined ? { deliveries: [inbound.delivery] } : {}),
      });
      if (appended.duplicate) return { kind: 'duplicate', threadId: appended.threadId };
      return { kind: 'recorded', threadId: id, meaning: decided.meaning, events: appended.events };
    });
    if (outcome.kind === 'recorded') this.options.onWork?.(id);
    return outcome;
  }
}

function fromResponse(response: Response): { from: Sender; input: HumanInput } {
  const channel = response.channel ?? 'api';
  switch (response.type) {
    case 'response':
      return { from: { channel, ...(response.from ? { id: response.from } : {}) }, input: { kind: 'answer', text: response.message } };
    case 'approval':
      return {
        from: { channel, ...(response.by ? { id: response.by } : {}) },
        input: { kind: 'decision', approve: response.approved, ...(response.comment ? { reason: response.comment } : {}) },
      };
    case 'retry':
      return { from: { channel, ...(response.by ? { id: response.by } : {}) }, input: { kind: 'retry' } };
    default: {
      const unreachable: never = response;
      throw new Error(`unknown response ${JSON.stringify(unreachable)}`);
    }
  }
}
