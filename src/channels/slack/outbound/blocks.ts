// What each notification says on Slack, as Block Kit: a section of text, and for an approval the approve/deny buttons.
import type { ThreadEvent } from '../../../core/events.js';
import type { ThreadId } from '../../../core/ids.js';
import type { HumanIntents } from '../../../core/thread.js';
import { APPROVE_ACTION, DENY_ACTION, DENY_REASON_VIEW, REASON_BLOCK, REASON_INPUT } from '../inbound/payloads.js';

export type Block =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'actions'; block_id: string; elements: Button[] };

export interface Button {
  type: 'button';
  action_id: string;
  text: { type: 'plain_text'; text: string };
  value: string;
  style: 'primary' | 'danger';
}

export interface SlackNotification {
  text: string;
  blocks: Block[];
}

/** Slack's limit on a section's text. */
const SECTION_LIMIT = 3000;

/** Slack reads `&`, `<` and `>` as markup: a model's words must not become links or mentions. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function section(text: string): Block {
  const escaped = escapeMrkdwn(text.trim());
  return { type: 'section', text: { type: 'mrkdwn', text: escaped.length <= SECTION_LIMIT ? escaped : `${escaped.slice(0, SECTION_LIMIT - 1)}…` } };
}

function plain(text: string): SlackNotification {
  return { text: text.trim(), blocks: [section(text)] };
}

function argMessage(args: Record<string, unknown>): string {
  const message = args['message'];
  return typeof message === 'string' && message.trim() !== '' ? message : JSON.stringify(args, null, 2);
}

function button(actionId: string, label: string, value: string, style: Button['style']): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: label }, value, style };
}

/** Undefined for an event that is not something to tell a person. */
export function slackNotification(event: ThreadEvent, threadId: ThreadId, humanIntents: HumanIntents): SlackNotification | undefined {
  switch (event.type) {
    case 'step_decided':
      if (humanIntents.done.includes(event.data.intent) || humanIntents.ask.includes(event.data.intent)) return plain(argMessage(event.data.args));
      return undefined;
    case 'approval_requested': {
      const value = JSON.stringify({ thread: threadId, call: event.data.callId });
      const text = `Approval needed before I go ahead:\n\n${event.data.summary.trim()}`;
      return {
        text,
        blocks: [
          section(text),
          { type: 'actions', block_id: `approval:${event.data.callId}`, elements: [button(APPROVE_ACTION, 'Approve', value, 'primary'), button(DENY_ACTION, 'Deny', value, 'danger')] },
        ],
      };
    }
    case 'escalated':
      return plain(`I need a person to take over this request.\n\nReason: ${event.data.reason}`);
    case 'thread_failed':
      return plain(`I could not finish this request.\n\nReason: ${event.data.reason}`);
    default:
      return undefined;
  }
}

/** The approval message once decided: the request without its buttons, and who decided. */
export function decidedApproval(summary: string, approve: boolean, user: string): SlackNotification {
  const request = `Approval needed before I go ahead:\n\n${summary.trim()}`;
  const verdict = `${approve ? 'Approved' : 'Denied'} by <@${escapeMrkdwn(user)}>.`;
  return { text: `${request}\n\n${verdict}`, blocks: [section(request), { type: 'section', text: { type: 'mrkdwn', text: verdict } }] };
}

/** The modal a deny click opens: the request, and a box for the reason the model is told. */
export function denyReasonModal(context: string, summary: string): object {
  return {
    type: 'modal',
    callback_id: DENY_REASON_VIEW,
    private_metadata: context,
    title: { type: 'plain_text', text: 'Deny' },
    submit: { type: 'plain_text', text: 'Deny' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(summary),
      { type: 'input', block_id: REASON_BLOCK, optional: true, label: { type: 'plain_text', text: 'Why?' }, element: { type: 'plain_text_input', action_id: REASON_INPUT, multiline: true } },
    ],
  };
}
