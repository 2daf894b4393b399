// The channel contract: what a channel module contributes to a running process — HTTP mounts, the notifier that
// answers on it, background sources (an IMAP poller) and who may approve through it. The composition root lists
// every channel once (src/app/channels.ts) and wires what each returns; it names none of them.
import type { Hono } from 'hono';
import type { EventOf, ThreadEvent } from '../core/events.js';
import type { MayApprove } from '../core/human-input.js';
import type { Clock, IdSource, ThreadId } from '../core/ids.js';
import type { People } from '../core/people.js';
import type { InboundRenderer } from '../core/render.js';
import type { RoutePolicy } from '../core/route.js';
import type { HumanIntents, Thread } from '../core/thread.js';
import type { Upcasters } from '../core/upcast.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { Logger } from '../support/logger.js';
import type { ThreadIntake } from './intake.js';

/** A channel that delivers what a paused thread has for a human (see `ThreadState.pendingNotifications`). */
export interface Notifier {
  notify(thread: Thread): Promise<void>;
}

/**
 * Told of the events a worker appends while a thread runs, as they are stored: for a channel that shows progress
 * step by step (the notifier only runs once the thread pauses). It must return at once and never throw: the worker
 * does not wait for what it starts.
 */
export interface ThreadObserver {
  appended(threadId: ThreadId, events: readonly ThreadEvent[]): void;
}

/** Something a channel runs in the background while the process serves: started by `serve`, stopped on close. */
export interface BackgroundSource {
  start(): void;
  stop(): Promise<void>;
}

export interface OpenedChannel {
  /** Routes served under each path prefix. */
  mounts: Record<string, Hono>;
  /** Who may decide approvals, by the channel name recorded on the input: the intake applies it. */
  approvers: Record<string, MayApprove>;
  notifier?: Notifier;
  observer?: ThreadObserver;
  sources: BackgroundSource[];
}

/** What every channel is given by the process it runs in. */
export interface ChannelContext {
  /** The process's settings; a channel reads and validates its own. */
  env: Record<string, string | undefined>;
  /** The port the HTTP server listens on: the default public URL of links a channel sends. */
  port: number;
  store: ThreadStore;
  /** Where everything the channel receives is written. */
  intake: ThreadIntake;
  /** The agent a conversation started on the channel is given. */
  agent: string;
  /** Every registered agent's name, for a channel whose settings name one. */
  agents?: readonly string[];
  /** Each agent's human intents, by agent name: what a channel reads a thread's status and questions with. */
  humanIntents: (agent: string) => HumanIntents | undefined;
  ids: IdSource;
  clock: Clock;
  logger: Logger;
  /** Where notifications go besides the contact (see `route.ts`); none when absent. */
  routing?: RoutePolicy;
  /** Who is who across channels (PEOPLE); nobody when absent. */
  people?: People;
  /** The process's approver rule across channels and people, for a channel that checks before it writes. */
  approves?: MayApprove;
}

/**
 * How the channel's inbound messages (`message_received` with its name as `channel`) read: needed wherever a thread
 * is read — the loop's context, the API, the CLI, the store's old rows — whether or not the channel is turned on.
 */
export interface ChannelEvents {
  render?: InboundRenderer;
  /** One line for `hardway show`; undefined keeps the default line. */
  describe?: (event: EventOf<'message_received'>, clip: (text: string) => string) => string | undefined;
  /** Event types the channel once wrote, read as today's events. */
  upcasters?: Upcasters;
}

export interface ChannelModule {
  readonly name: string;
  /**
   * False for a channel whose messages are no person's words (a schedule's tick): the conversation never moves to
   * it, so nothing a thread owes a person is routed there. Default true.
   */
  readonly answersPeople?: boolean;
  readonly events?: ChannelEvents;
  /** The channel for this process, or undefined when its settings do not turn it on; invalid settings throw. */
  open(context: ChannelContext): OpenedChannel | undefined;
}
