// What the composition root hands every agent module: the settings and the adapters built once per process.
import type { Clock, IdSource } from '../core/ids.js';
import type { LinearPort } from '../linear/linear-port.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { AppConfig } from './config.js';

export interface AgentContext {
  config: AppConfig;
  linear: LinearPort;
  clock: Clock;
  ids: IdSource;
  /** Read-only: an agent's tools may re-read their own thread (the Triage Assistant's check before a write). */
  threads: Pick<ThreadStore, 'load'>;
}
