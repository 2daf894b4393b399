// What a thread can be found by in the inspector: words, senders, channels and issue identifiers of its events.
import type { NewEvent } from './events.js';

const MAX_WORDS_PER_EVENT = 200;
const identifier = /\b[A-Z][A-Z0-9]{0,9}-\d{1,7}\b/g;

const word = (w: string): string => `w:${w.toLowerCase()}`;
export const channelTerm = (channel: string): string => `channel:${clean(channel)}`;
export const senderTerm = (sender: string): string => `from:${clean(sender)}`;
export const issueTerm = (id: string): string => `issue:${id.toUpperCase()}`;
/** A thread that was ever escalated to a human (its status says only that it awaits one). */
export const escalatedTerm = 'event:escalated';

function clean(value: string): string {
  return value.replace(/[\p{Control}\p{Surrogate}]/gu, '').trim().toLowerCase().slice(0, 200);
}

function words(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/[\p{L}\p{N}]{2,40}/gu)) {
    found.add(word(match[0]));
    if (found.size >= MAX_WORDS_PER_EVENT) break;
  }
  return [...found];
}

/** The index terms of one event; every store records them with the event so a search never scans events. */
export function searchTerms(event: NewEvent): string[] {
  const terms = new Set<string>();
  const add = (term: string): void => void terms.add(term);
  for (const match of JSON.stringify(event.data).matchAll(identifier)) add(issueTerm(match[0]));
  switch (event.type) {
    case 'message_received':
      add(channelTerm(event.data.channel));
      if (event.data.from) add(senderTerm(event.data.from));
      words(event.data.text).forEach(add);
      break;
    case 'human_replied':
      add(channelTerm(event.data.channel));
      if (event.data.from) add(senderTerm(event.data.from));
      words(event.data.message).forEach(add);
      break;
    case 'message_sent':
    case 'retry_requested':
    case 'thread_stopped':
      add(channelTerm(event.data.channel));
      break;
    case 'approval_granted':
    case 'approval_denied':
      if (event.data.channel !== undefined) add(channelTerm(event.data.channel));
      break;
    case 'escalated':
      add(escalatedTerm);
      break;
    case 'step_decided':
    case 'tool_succeeded':
    case 'tool_failed':
    case 'step_rejected':
    case 'model_failed':
    case 'approval_requested':
    case 'thread_failed':
    case 'context_compacted':
      break;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
  return [...terms];
}

/**
 * A search box's text as terms a thread must all hold: `ENG-42` an issue, `a@b.c` a sender, anything else a word.
 * Words are whole words: the index holds words, not substrings.
 */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const token of query.trim().split(/\s+/).filter(Boolean).slice(0, 10)) {
    if (/^[A-Za-z][A-Za-z0-9]{0,9}-\d{1,7}$/.test(token)) terms.add(issueTerm(token));
    else if (token.includes('@')) terms.add(senderTerm(token));
    else for (const w of words(token)) terms.add(w);
  }
  return [...terms];
}
