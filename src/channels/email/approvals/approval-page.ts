// The approval page behind the link in an approval email: GET shows the operation, only a POST decides, once.
//
// Mail scanners and link previewers fetch every URL in a message, so a GET must never change anything. The token
// in the path is the only credential (signed, expiring, naming the approver); the page is never cached or framed
// and sends no Referer, so the token does not leak to other sites.
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { ReceiveOutcome, ThreadIntake } from '../../../runtime/intake.js';
import { HardwayError } from '../../../core/errors.js';
import type { EventOf } from '../../../core/events.js';
import type { Clock } from '../../../core/ids.js';
import { approvalOf, foldState } from '../../../core/state.js';
import { noHumanIntents, type HumanIntents } from '../../../core/thread.js';
import type { ThreadStore } from '../../../store/thread-store.js';
import { verifyApprovalToken, type ApprovalClaim } from './approval-token.js';
import { escapeHtml } from '../outbound/html.js';
import type { ChannelLogger } from '../logger.js';
import { EMAIL_CHANNEL } from '../email-received.js';
import type { Secret } from '../../shared/secret.js';

export interface ApprovalPageDeps {
  /** Where the decision is taken and written. */
  intake: ThreadIntake;
  /** Read only: what the link's request says and whether it is still pending. */
  store: ThreadStore;
  tokenSecret: Secret;
  clock: Clock;
  logger: ChannelLogger;
  /** Each agent's human intents, from the agent registry (the composition root supplies them). */
  humanIntents: (agent: string) => HumanIntents | undefined;
}

const formSchema = z.object({
  decision: z.enum(['approve', 'deny']),
  reason: z.string().max(4000).optional(),
});

function page(c: Context, status: ContentfulStatusCode, title: string, body: string): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Robots-Tag', 'noindex, nofollow');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}` +
      `pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem;border-radius:6px}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}` +
      `textarea{width:100%;min-height:4rem}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    status,
  );
}

/** `superseded`: the thread moved on (feedback, a newer request), so approving this old step now would surprise. */
type LinkState = 'pending' | 'granted' | 'denied' | 'superseded';

type Loaded =
  | { ok: true; claim: ApprovalClaim; request: EventOf<'approval_requested'>; state: LinkState }
  | { ok: false; response: Response };

export function createApprovalPage(deps: ApprovalPageDeps): Hono {
  const app = new Hono();

  async function load(c: Context, token: string): Promise<Loaded> {
    const check = verifyApprovalToken(token, deps.tokenSecret, deps.clock.now());
    if (!check.ok) {
      deps.logger.warn({ reason: check.reason }, 'approval link refused');
      return check.reason === 'expired'
        ? { ok: false, response: page(c, 410, 'This link has expired', '<p>Reply to the email instead, or ask for a new link.</p>') }
        : { ok: false, response: page(c, 403, 'This link is not valid', '<p>The link was changed or is not one we sent.</p>') };
    }
    const { claim } = check;
    const thread = await deps.store.load(claim.threadId);
    const request = thread?.events.find(
      (e): e is EventOf<'approval_requested'> => e.type === 'approval_requested' && e.data.callId === claim.callId,
    );
    if (thread === undefined || request === undefined) {
      return { ok: false, response: page(c, 404, 'Nothing to approve', '<p>This request no longer exists.</p>') };
    }
    const folded = foldState(thread.events, deps.humanIntents(thread.agent) ?? noHumanIntents);
    const recorded = approvalOf(folded, claim.callId);
    const waiting = folded.status === 'awaiting_approval' && folded.pendingApproval?.data.callId === claim.callId;
    const state: LinkState = recorded === 'granted' || recorded === 'denied' ? recorded : waiting ? 'pending' : 'superseded';
    return { ok: true, claim, request, state };
  }

  function stateText(state: Exclude<LinkState, 'pending'>): string {
    switch (state) {
      case 'granted':
        return 'This request was already approved.';
      case 'denied':
        return 'This request was already denied.';
      case 'superseded':
        return 'The assistant is no longer waiting for this decision (the request changed after this link was sent).';
      default: {
        const unreachable: never = state;
        return String(unreachable);
      }
    }
  }

  app.get('/:token', async (c) => {
    try {
      const loaded = await load(c, c.req.param('token'));
      if (!loaded.ok) return loaded.response;
      const { request, claim, state } = loaded;
      if (state !== 'pending') return page(c, 200, 'Nothing to decide', `<p>${escapeHtml(stateText(state))}</p>`);
      return page(
        c,
        200,
        'Approval needed',
        `<p>${escapeHtml(claim.approver)}, the assistant wants to do this:</p><pre>${escapeHtml(request.data.summary)}</pre>` +
          `<form method="post"><p><label>Reason or comment (optional)<br><textarea name="reason"></textarea></label></p>` +
          `<button type="submit" name="decision" value="approve">Approve</button>` +
          `<button type="submit" name="decision" value="deny">Deny</button></form>`,
      );
    } catch (error) {
      deps.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'approval page failed');
      return page(c, 503, 'Try again', '<p>Something went wrong on our side. Nothing was changed.</p>');
    }
  });

  app.post('/:token', async (c) => {
    try {
      const token = c.req.param('token');
      let form: unknown;
      try {
        form = await c.req.parseBody();
      } catch {
        return page(c, 400, 'Bad request', '<p>The form could not be read.</p>');
      }
      const loaded = await load(c, token);
      if (!loaded.ok) return loaded.response;
      const parsed = formSchema.safeParse(form);
      if (!parsed.success) return page(c, 400, 'Bad request', '<p>Choose approve or deny.</p>');
      if (loaded.state !== 'pending') {
        return page(c, 409, 'Nothing to decide', `<p>${escapeHtml(stateText(loaded.state))} Nothing was changed.</p>`);
      }
      const text = parsed.data.reason?.trim();
      const approved = parsed.data.decision === 'approve';
      let outcome: ReceiveOutcome;
      try {
        outcome = await deps.intake.receive({
          kind: 'input',
          threadId: loaded.claim.threadId,
          from: { channel: EMAIL_CHANNEL, id: loaded.claim.approver },
          // The decision is for the call the link names, never for whatever is pending by the time it arrives.
          input: { kind: 'decision', approve: approved, callId: loaded.claim.callId, ...(text ? { reason: text } : {}) },
        });
      } catch (error) {
        if (!HardwayError.isInstance(error, 'invalid_state')) throw error;
        // Someone else decided first (perhaps the same decision by email): say what happened instead.
        const again = await load(c, token);
        if (!again.ok) return again.response;
        const state = again.state === 'pending' ? 'superseded' : again.state;
        return page(c, 409, 'Nothing to decide', `<p>${escapeHtml(stateText(state))} Nothing was changed.</p>`);
      }
      if (outcome.kind === 'recorded' && outcome.meaning === 'not_an_approver') {
        deps.logger.warn({ threadId: loaded.claim.threadId, callId: loaded.claim.callId, by: loaded.claim.approver }, 'approval link used by someone who is no longer an approver');
        return page(c, 200, 'Passed on as a comment', '<p>You are no longer an approver for this request, so this did not decide it. Your answer was passed on to the assistant.</p>');
      }
      deps.logger.info(
        { threadId: loaded.claim.threadId, callId: loaded.claim.callId, by: loaded.claim.approver, decision: parsed.data.decision },
        'approval decided on the approval page',
      );
      return page(c, 200, approved ? 'Approved' : 'Denied', approved ? '<p>Thanks. The assistant will go ahead.</p>' : '<p>Thanks. The assistant will not do it.</p>');
    } catch (error) {
      deps.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'approval page failed');
      return page(c, 503, 'Try again', '<p>Something went wrong on our side. Nothing was changed.</p>');
    }
  });

  return app;
}
