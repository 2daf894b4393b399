// The intake contract: what a channel hands the one writer of outside input after it verified, parsed and
// identified the sender, and what it gets back. Channels depend on this, never on the service behind it.
import type { HumanInput, InputMeaning, InputMetadata, Opening, Sender } from '../core/human-input.js';
import type { ThreadEvent } from '../core/events.js';
import type { ThreadId } from '../core/ids.js';
import type { Delivery } from '../store/thread-store.js';

/** What a channel hands the intake, after it verified, parsed and identified the sender. */
export type Inbound =
  | { kind: 'start'; agent?: string; from: Sender; opening: Opening; delivery?: Delivery }
  | { kind: 'input'; threadId: ThreadId; from: Sender; input: HumanInput; metadata?: InputMetadata; delivery?: Delivery };

export type ReceiveOutcome =
  | { kind: 'started'; threadId: ThreadId }
  | { kind: 'recorded'; threadId: ThreadId; meaning: InputMeaning; events: ThreadEvent[] }
  /** The delivery was received before: nothing was written. */
  | { kind: 'duplicate'; threadId: ThreadId };

export interface ThreadIntake {
  receive(inbound: Inbound): Promise<ReceiveOutcome>;
}
