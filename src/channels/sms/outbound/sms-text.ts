// What a notification says by SMS, and how a long one is cut into messages Twilio accepts (1600 characters each).
import type { ThreadEvent } from '../../../core/events.js';
import type { HumanIntents } from '../../../core/thread.js';

export const MAX_SMS_CHARS = 1600;

function argMessage(args: Record<string, unknown>): string {
  const message = args['message'];
  return typeof message === 'string' && message.trim() !== '' ? message.trim() : JSON.stringify(args);
}

/** Undefined for an event that is nothing to tell a person. `code` is the approval's, for approval requests. */
export function smsText(event: ThreadEvent, humanIntents: HumanIntents, code: string | undefined): string | undefined {
  switch (event.type) {
    case 'step_decided':
      if (humanIntents.done.includes(event.data.intent) || humanIntents.ask.includes(event.data.intent)) return argMessage(event.data.args);
      return undefined;
    case 'approval_requested':
      return `Approval needed: ${event.data.summary.trim()}\nReply YES ${code ?? ''} to go ahead, or NO ${code ?? ''} <reason> to stop it.`;
    case 'escalated':
      return `I need a person to take over this request. Reason: ${event.data.reason}`;
    case 'thread_failed':
      return `I could not finish this request. Reason: ${event.data.reason}`;
    default:
      return undefined;
  }
}

/** Parts of at most `max` characters (code points), cut at a line break or a space when one is near the end. */
export function splitSms(text: string, max = MAX_SMS_CHARS): string[] {
  const parts: string[] = [];
  let rest = [...text.trim()];
  while (rest.length > max) {
    const window = rest.slice(0, max).join('');
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    // A break in the last quarter keeps words whole; a wall of text without one is cut hard.
    const at = cut >= max * 0.75 ? cut : max;
    parts.push(rest.slice(0, at).join('').trimEnd());
    rest = [...rest.slice(at).join('').trimStart()];
  }
  if (rest.length > 0) parts.push(rest.join(''));
  return parts;
}
