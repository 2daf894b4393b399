// The channel contract: what a channel module contributes to a running process — HTTP mounts, the notifier that
// answers on it, background sources (an IMAP poller) and who may approve through it. The composition root lists
// every channel once (src/app/channels.ts) and wires what each returns; it names none of them.
import type { Hono } from 'hono';
import type { MayApprove } from '../core/human-input.js';
import type { Clock, IdSource } from '../core/ids.js';
import type { HumanIntents, Thread } from '../core/thread.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { Logger } from '../support/logger.js';
import type { ThreadIntake } from './intake.js';

/** A channel that delivers what a paused thread has for a human (see `ThreadState.pendingNotifications`). */
export interface Notifier {
  notify(thread: Thread): Promise<void>;
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
  /** Each agent's human intents, by agent name: what a channel reads a thread's status and questions with. */
  humanIntents: (agent: string) => HumanIntents | undefined;
  ids: IdSource;
  clock: Clock;
  logger: Logger;
}

export interface ChannelModule {
  readonly name: string;
  /** The channel for this process, or undefined when its settings do not turn it on; invalid settings throw. */
  open(context: ChannelContext): OpenedChannel | undefined;
}
