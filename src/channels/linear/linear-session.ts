// A Linear agent session as a thread keeps it: the core's `message_received` on channel `linear`, whose `meta` holds
// the session id (where every activity is posted) and the issue the session is about; and how that message reads
// in the model's context: the issue and what the person asked, not just their words.
import { z } from 'zod';
import type { EventOf, MessageReceived, ThreadEvent } from '../../core/events.js';
import type { Opening } from '../../core/human-input.js';
import type { RenderedEvent, RenderProfile } from '../../core/render.js';
import { emitLeanYaml, emitYaml } from '../../core/yaml.js';
import type { AgentSessionEvent } from './inbound/payloads.js';

export const LINEAR_CHANNEL = 'linear';

/** Delivery sources: a session (its id: one thread per session) and each webhook delivery after it. */
export const SESSION_SOURCE = 'linear-session';
export const DELIVERY_SOURCE = 'linear';

const sessionMeta = z.object({
  sessionId: z.string(),
  issue: z
    .object({ identifier: z.string(), title: z.string(), description: z.string().optional(), url: z.string().optional() })
    .optional(),
  comment: z.string().optional(),
  promptContext: z.string().optional(),
});
export type SessionMeta = z.infer<typeof sessionMeta>;

export function sessionOpening(event: AgentSessionEvent): Opening {
  const { agentSession: session } = event;
  const issue = session.issue;
  const meta: SessionMeta = {
    sessionId: session.id,
    ...(issue
      ? {
          issue: {
            identifier: issue.identifier,
            title: issue.title,
            ...(issue.description ? { description: issue.description } : {}),
            ...(issue.url ? { url: issue.url } : {}),
          },
        }
      : {}),
    ...(session.comment ? { comment: session.comment.body } : {}),
    ...(event.promptContext ? { promptContext: event.promptContext } : {}),
  };
  const text = session.comment?.body ?? event.promptContext ?? (issue ? `${issue.identifier}: ${issue.title}` : 'A Linear agent session started.');
  return { kind: 'message', text, ...(session.comment ? { metadata: { messageId: session.comment.id } } : {}), meta };
}

function metaOf(data: MessageReceived): SessionMeta | undefined {
  if (data.channel !== LINEAR_CHANNEL) return undefined;
  const parsed = sessionMeta.safeParse(data.meta);
  return parsed.success ? parsed.data : undefined;
}

/** The agent session the thread was started from, when a Linear session started it. */
export function sessionIdOf(first: ThreadEvent | undefined): string | undefined {
  if (first?.type !== 'message_received') return undefined;
  return metaOf(first.data)?.sessionId;
}

/** The session's opening in the context: the issue, and the comment (or Linear's prompt context) that started it. */
export function renderSessionStarted(event: EventOf<'message_received'>, profile: RenderProfile = 'seed'): RenderedEvent | undefined {
  const meta = metaOf(event.data);
  if (meta === undefined) return undefined;
  const emit = profile === 'seed' ? emitYaml : emitLeanYaml;
  const body = {
    ...(event.data.from !== undefined ? { from: event.data.from } : {}),
    ...(meta.issue !== undefined ? { issue: meta.issue } : {}),
    ...(meta.comment !== undefined ? { comment: meta.comment } : { request: event.data.text }),
    ...(meta.promptContext !== undefined && meta.comment !== undefined ? { context: meta.promptContext } : {}),
  };
  return { tag: 'linear_session_started', body: emit(body) ?? '' };
}

/** One line for `hardway show`. */
export function describeSessionStarted(event: EventOf<'message_received'>, clip: (text: string) => string): string | undefined {
  const meta = metaOf(event.data);
  if (meta === undefined) return undefined;
  return `linear session${meta.issue ? ` on ${meta.issue.identifier}` : ''}: ${clip(event.data.text)}`;
}
