// The client-supplied id of an issue or comment, derived from the step's idempotency key: a retried step asks for
// the same id, finds the entity it created the first time, and never creates a second one.
import { createHash } from 'node:crypto';

/** Hardway's namespace for Linear entity ids (a fixed random UUID; changing it would orphan in-flight retries). */
export const LINEAR_ID_NAMESPACE = '6f0b8c1e-3a52-4d8e-9b7a-2c4f1e9d0a63';

export type LinearEntity = 'issue' | 'comment' | 'activity';

/**
 * RFC 4122 name-based construction (as UUID v5: SHA-1 of namespace bytes + name), but stamped as version 4:
 * Linear's `IssueCreateInput.id` and `CommentCreateInput.id` ask for "UUID v4 format", and a hash is as
 * unpredictable as the random bits v4 promises. The entity is part of the name so an issue and a comment made
 * under one key get different ids.
 */
export function idempotentId(entity: LinearEntity, idempotencyKey: string, namespace: string = LINEAR_ID_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`not a UUID namespace: ${namespace}`);
  const bytes = createHash('sha1').update(namespaceBytes).update(`${entity}:${idempotencyKey}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
