// Which thread an inbound email continues: our stored Message-IDs first, then the signed reply address, never a bare id.
import type { ThreadId } from '../../../core/ids.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import type { Secret } from '../../shared/secret.js';
import { matchReplyAddress } from '../thread-token.js';

/** Delivery sources: inbound Message-IDs, and the ones we generated for our own mail. */
export const INBOUND_SOURCE = 'email';
export const OUTBOUND_SOURCE = 'email-out';

export type ThreadMatch =
  | { kind: 'new' }
  | { kind: 'existing'; threadId: ThreadId; via: 'headers' | 'reply_address' }
  | { kind: 'invalid_reply_address' };

export interface MappingInput {
  inReplyTo?: string;
  references: readonly string[];
  recipients: readonly string[];
}

export async function mapToThread(
  input: MappingInput,
  deps: { store: ThreadStore; ownAddress: string; tokenSecret: Secret },
): Promise<ThreadMatch> {
  // The message replied to first, then the rest of the chain newest first.
  const ids = [...new Set([...(input.inReplyTo !== undefined ? [input.inReplyTo] : []), ...[...input.references].reverse()])];
  for (const id of ids) {
    const threadId =
      (await deps.store.findDelivery({ source: OUTBOUND_SOURCE, id })) ??
      (await deps.store.findDelivery({ source: INBOUND_SOURCE, id }));
    if (threadId !== undefined) return { kind: 'existing', threadId, via: 'headers' };
  }
  let invalid = false;
  for (const address of input.recipients) {
    const match = matchReplyAddress(address, deps.ownAddress, deps.tokenSecret);
    switch (match.kind) {
      case 'valid':
        return { kind: 'existing', threadId: match.threadId, via: 'reply_address' };
      case 'invalid':
        invalid = true;
        break;
      case 'none':
        break;
      default: {
        const unreachable: never = match;
        throw new Error(`unknown match ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return invalid ? { kind: 'invalid_reply_address' } : { kind: 'new' };
}
