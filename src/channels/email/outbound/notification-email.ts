// What each kind of notification says: a question, an approval request, a final answer, an escalation, a failure.
import type { ThreadEvent } from '../../../core/events.js';
import type { HumanIntents } from '../../../core/thread.js';
import { escapeHtml, textToHtml } from './html.js';

export type NotificationKind = 'question' | 'approval' | 'answer' | 'escalation' | 'failure';

export interface NotificationContent {
  kind: NotificationKind;
  text: string;
  html: string;
}

export interface ApprovalLink {
  url: string;
  expiresAt: Date;
}

function wrapHtml(inner: string): string {
  return `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a">\n${inner}\n</body></html>`;
}

function plain(kind: NotificationKind, text: string): NotificationContent {
  return { kind, text: `${text.trim()}\n`, html: wrapHtml(textToHtml(text)) };
}

function argMessage(args: Record<string, unknown>): string {
  const message = args['message'];
  return typeof message === 'string' && message.trim() !== '' ? message : JSON.stringify(args, null, 2);
}

export function approvalContent(summary: string, link: ApprovalLink | undefined): NotificationContent {
  const expires = link?.expiresAt.toUTCString();
  const text = [
    'Approval needed before I go ahead:',
    '',
    summary.trim(),
    '',
    'Reply "approve" to go ahead, or "deny <reason>" to stop it.',
    ...(link !== undefined ? ['', `Or decide on this page: ${link.url}`, `(The link works until ${expires}.)`] : []),
  ].join('\n');
  const html = [
    '<p>Approval needed before I go ahead:</p>',
    `<blockquote style="margin:0 0 1em;padding:.5em 1em;border-left:3px solid #888;white-space:pre-wrap">${escapeHtml(summary.trim())}</blockquote>`,
    '<p>Reply <strong>approve</strong> to go ahead, or <strong>deny &lt;reason&gt;</strong> to stop it.</p>',
    ...(link !== undefined
      ? [`<p>Or decide on <a href="${escapeHtml(link.url)}">this page</a> (the link works until ${escapeHtml(expires ?? '')}).</p>`]
      : []),
  ].join('\n');
  return { kind: 'approval', text: `${text}\n`, html: wrapHtml(html) };
}

/** Undefined for an event that is not something to tell a person (the caller filtered with pendingNotifications). */
export function notificationContent(
  event: ThreadEvent,
  humanIntents: HumanIntents,
  link?: ApprovalLink,
): NotificationContent | undefined {
  switch (event.type) {
    case 'step_decided':
      if (humanIntents.done.includes(event.data.intent)) return plain('answer', argMessage(event.data.args));
      if (humanIntents.ask.includes(event.data.intent)) return plain('question', argMessage(event.data.args));
      return undefined;
    case 'approval_requested':
      return approvalContent(event.data.summary, link);
    case 'escalated':
      return plain('escalation', `I need a person to take over this request.\n\nReason: ${event.data.reason}`);
    case 'thread_failed':
      return plain('failure', `I could not finish this request.\n\nReason: ${event.data.reason}`);
    default:
      return undefined;
  }
}
