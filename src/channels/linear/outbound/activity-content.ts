// What each thread event shows in the Linear agent session, as an activity: a tool step is an `action`, a question
// or an approval request an `elicitation`, the final answer (or a stop) a `response`, a failure an `error`.
import type { ThreadEvent } from '../../../core/events.js';
import type { Json, JsonObject } from '../../../core/json.js';
import type { HumanIntents } from '../../../core/thread.js';
import type { ActivityContent } from '../../../linear/agent-activities.js';

/** Linear shows an action's parameter and result on one line each: long ones are cut. */
const SHORT = 200;

export const STARTED_THOUGHT = 'On it: reading the issue and working out the next step.';
export const STOPPED_RESPONSE = 'Stopped, as asked: I will not take any further step. Write here again to pick it up.';

export function short(text: string, max = SHORT): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

function shortJson(value: Json | JsonObject): string {
  return short(typeof value === 'string' ? value : JSON.stringify(value));
}

function messageOf(args: JsonObject): string {
  const message = args['message'];
  return typeof message === 'string' && message.trim() !== '' ? message : JSON.stringify(args, null, 2);
}

/** The action a tool outcome reports, given the arguments its step was decided with. */
export function actionContent(event: ThreadEvent, args: JsonObject | undefined): ActivityContent | undefined {
  switch (event.type) {
    case 'tool_succeeded':
      return { type: 'action', action: event.data.intent, parameter: args === undefined ? '' : shortJson(args), result: shortJson(event.data.result) };
    case 'tool_failed':
      return { type: 'action', action: event.data.intent, parameter: args === undefined ? '' : shortJson(args), result: short(`error (${event.data.error.kind}): ${event.data.error.message}`) };
    default:
      return undefined;
  }
}

/** What a notification a paused thread owes the person says in the session; undefined for events that say nothing. */
export function notificationContent(event: ThreadEvent, humanIntents: HumanIntents): ActivityContent | undefined {
  switch (event.type) {
    case 'step_decided':
      if (humanIntents.ask.includes(event.data.intent)) return { type: 'elicitation', body: messageOf(event.data.args) };
      if (humanIntents.done.includes(event.data.intent)) return { type: 'response', body: messageOf(event.data.args) };
      return undefined;
    case 'approval_requested':
      return { type: 'elicitation', body: `Approval needed before I go ahead:\n\n${event.data.summary.trim()}\n\nReply **approve**, or **deny** with a reason.` };
    case 'escalated':
      return { type: 'error', body: `I need a person to take over this request.\n\nReason: ${event.data.reason}` };
    case 'thread_failed':
      return { type: 'error', body: `I could not finish this request.\n\nReason: ${event.data.reason}` };
    case 'thread_stopped':
      return { type: 'response', body: STOPPED_RESPONSE };
    default:
      return undefined;
  }
}
