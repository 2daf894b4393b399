// Linear's AgentSessionEvent webhooks as Linear sends them: signed (`Linear-Signature`, HMAC-SHA256 of the body), with
// a delivery id and a fresh `webhookTimestamp`, for tests that drive the Linear channel over real HTTP.
import { createHmac, randomUUID } from 'node:crypto';

export interface LinearUserFields {
  id: string;
  name: string;
  email: string;
}

export interface PostOptions {
  /** null: no signature header at all. */
  signature?: string | null;
  delivery?: string;
}

export const signLinear = (body: string, secret: string): string => createHmac('sha256', secret).update(body).digest('hex');

/** POSTs a body to `{base}/webhooks/linear`, signed with `secret` unless told otherwise. */
export function linearWebhookPoster(base: () => string, secret: string): (body: string, options?: PostOptions) => Promise<Response> {
  return (body, options = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'linear-event': 'AgentSessionEvent' };
    if (options.signature !== null) headers['linear-signature'] = options.signature ?? signLinear(body, secret);
    headers['linear-delivery'] = options.delivery ?? randomUUID();
    return fetch(`${base()}/webhooks/linear`, { method: 'POST', headers, body });
  };
}

/** A session created by `creator` mentioning the assistant in a comment on OPS-42. */
export function sessionCreated(sessionId: string, creator: LinearUserFields, fields: { timestamp?: number; comment?: string } = {}): string {
  return JSON.stringify({
    type: 'AgentSessionEvent',
    action: 'created',
    createdAt: new Date().toISOString(),
    organizationId: 'org-1',
    oauthClientId: 'oauth-1',
    appUserId: 'app-user-1',
    webhookId: 'webhook-1',
    webhookTimestamp: fields.timestamp ?? Date.now(),
    agentSession: {
      id: sessionId,
      type: 'commentThread',
      status: 'pending',
      appUserId: 'app-user-1',
      organizationId: 'org-1',
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      creator,
      issue: {
        id: 'issue-1',
        identifier: 'OPS-42',
        title: 'The fridge is empty',
        description: 'Nobody restocked it since Monday.',
        url: 'https://linear.app/acme/issue/OPS-42',
        teamId: 'team-1',
        team: { id: 'team-1', key: 'OPS', name: 'Operations' },
      },
      comment: { id: 'comment-1', body: fields.comment ?? '@assistant which teams could own this?' },
    },
    promptContext: '<issue identifier="OPS-42"><title>The fridge is empty</title></issue>',
  });
}

/** A prompt `user` wrote in the session (or its stop signal). */
export function sessionPrompted(sessionId: string, creator: LinearUserFields, user: LinearUserFields, content: { body?: string; signal?: 'stop' }): string {
  return JSON.stringify({
    type: 'AgentSessionEvent',
    action: 'prompted',
    createdAt: new Date().toISOString(),
    organizationId: 'org-1',
    appUserId: 'app-user-1',
    webhookTimestamp: Date.now(),
    agentSession: { id: sessionId, status: 'active', creator },
    agentActivity: {
      id: randomUUID(),
      agentSessionId: sessionId,
      content: { type: 'prompt', body: content.body ?? '' },
      ...(content.signal ? { signal: content.signal } : {}),
      user,
      userId: user.id,
    },
  });
}
