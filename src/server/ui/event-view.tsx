// One timeline entry per event type: what happened, in words and data, with nothing hidden behind a click but bulk.
import type { FC } from 'hono/jsx';
import type { StepUsage, ThreadEvent } from '../../core/events.js';
import type { PromptView } from './prompt-view.js';

const Json: FC<{ value: unknown }> = ({ value }) => <pre>{JSON.stringify(value, null, 2)}</pre>;

/** The channel an event came by or went out on; the agent's own steps have none. */
export function channelOf(event: ThreadEvent): string {
  switch (event.type) {
    case 'message_received':
    case 'human_replied':
    case 'message_sent':
    case 'retry_requested':
    case 'thread_stopped':
      return event.data.channel;
    // Decisions recorded before they carried their channel show none.
    case 'approval_granted':
    case 'approval_denied':
      return event.data.channel ?? '—';
    case 'step_decided':
    case 'tool_succeeded':
    case 'tool_failed':
    case 'step_rejected':
    case 'model_failed':
    case 'approval_requested':
    case 'escalated':
    case 'thread_failed':
    case 'context_compacted':
      return 'agent';
    default: {
      const unreachable: never = event;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

const tokens = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : String(n));

const Usage: FC<{ usage: StepUsage }> = ({ usage }) => (
  <dl class="usage">
    <dt>Model</dt>
    <dd>{usage.model}</dd>
    <dt>Input tokens</dt>
    <dd>{tokens(usage.inputTokens)}</dd>
    <dt>Cached input tokens</dt>
    <dd>{tokens(usage.cachedInputTokens)}</dd>
    <dt>Output tokens</dt>
    <dd>{tokens(usage.outputTokens)}</dd>
    <dt>Latency</dt>
    <dd>{`${usage.latencyMs} ms`}</dd>
    <dt>Cost</dt>
    <dd>{usage.costUsd === null || usage.costUsd === undefined ? 'no price' : `$${usage.costUsd.toFixed(6)}`}</dd>
  </dl>
);

/** The prompt as a diff on the previous step's: how much it shares, and the new tail in full. */
const Prompt: FC<{ prompt: PromptView | undefined; threadId: string }> = ({ prompt, threadId }) => {
  if (prompt === undefined) return <p class="meta">No stored prompt (recorded before prompts were stored, or not sent).</p>;
  return (
    <section aria-label={`Prompt of step ${prompt.seq}`}>
      <p>
        <a href={`/ui/threads/${threadId}?prompt=${prompt.seq}#seq-${prompt.seq}`}>Show the exact prompt here</a>
        {' · '}
        <a href={`/ui/threads/${threadId}/steps/${prompt.seq}`}>Step page</a>{' '}
        <span class="meta">
          {`${prompt.length} characters, sha256 ${prompt.sha256.slice(0, 16)}…; `}
          {prompt.previousSeq === undefined
            ? 'the first prompt of the thread'
            : `shares its first ${prompt.prefixLength} characters with the prompt of #${prompt.previousSeq}, then ${prompt.tail.length} new`}
        </span>
      </p>
      {prompt.body === undefined ? null : (
        <details open>
          <summary>Exact prompt (the shared prefix, then the new tail)</summary>
          <pre id={`prompt-${prompt.seq}`}>
            <mark class="shared">{prompt.body.slice(0, prompt.prefixLength)}</mark>
            <ins class="tail">{prompt.tail}</ins>
          </pre>
        </details>
      )}
      <details>
        <summary>{prompt.previousSeq === undefined ? 'Whole prompt' : 'New tail of the prompt'}</summary>
        <pre>
          <ins class="tail">{prompt.tail}</ins>
        </pre>
      </details>
    </section>
  );
};

export const EventBody: FC<{ event: ThreadEvent; prompt: PromptView | undefined; threadId: string }> = ({ event, prompt, threadId }) => {
  switch (event.type) {
    case 'message_received':
      return (
        <div>
          <p class="meta">{`from ${event.data.from ?? 'unknown'}`}</p>
          <pre>{event.data.text}</pre>
          {event.data.attachments?.length ? <p class="meta">{`attachments: ${event.data.attachments.map((a) => a.filename).join(', ')}`}</p> : null}
        </div>
      );
    case 'human_replied':
      return (
        <div>
          <p class="meta">{`from ${event.data.from ?? 'unknown'}`}</p>
          <pre>{event.data.message}</pre>
        </div>
      );
    case 'step_decided':
      return (
        <div>
          <p>
            <strong>{event.data.intent}</strong> <span class="meta">{`${event.data.origin} step, call ${event.data.callId}`}</span>
          </p>
          <details open>
            <summary>Parsed step</summary>
            <Json value={event.data.args} />
          </details>
          {event.data.usage ? (
            <>
              <Usage usage={event.data.usage} />
              <details>
                <summary>Raw model output</summary>
                <pre>{event.data.usage.raw}</pre>
              </details>
              <Prompt prompt={prompt} threadId={threadId} />
            </>
          ) : null}
        </div>
      );
    case 'step_rejected':
      return (
        <div>
          <p class="error">{`Rejected: ${event.data.reason}`}</p>
          <details open>
            <summary>Raw model output</summary>
            <pre>{event.data.raw}</pre>
          </details>
          {event.data.usage ? <Usage usage={event.data.usage} /> : null}
          {event.data.usage ? <Prompt prompt={prompt} threadId={threadId} /> : null}
        </div>
      );
    case 'tool_succeeded':
      return (
        <details>
          <summary>{`Result of ${event.data.intent} (call ${event.data.callId})`}</summary>
          <Json value={event.data.result} />
        </details>
      );
    case 'tool_failed':
      return (
        <p class="error">{`${event.data.intent} failed (call ${event.data.callId}): ${event.data.error.kind}: ${event.data.error.message}${event.data.error.retryable ? ' (retryable)' : ''}`}</p>
      );
    case 'model_failed':
      return <p class="error">{`The model could not be reached: ${event.data.reason}${event.data.retryable ? ' (retryable)' : ''}`}</p>;
    case 'approval_requested':
      return (
        <div>
          <p>{`Approval needed (${event.data.policy}) for ${event.data.intent}, call ${event.data.callId}:`}</p>
          <pre>{event.data.summary}</pre>
        </div>
      );
    case 'approval_granted':
      return <p>{`Approved by ${event.data.by}${event.data.comment ? `: ${event.data.comment}` : ''}`}</p>;
    case 'approval_denied':
      return <p>{`Denied by ${event.data.by}${event.data.reason ? `: ${event.data.reason}` : ''}`}</p>;
    case 'message_sent':
      return <p>{`Sent to ${event.data.to.join(', ') || 'nobody'} (for event ${event.data.inResponseTo})`}</p>;
    case 'escalated':
      return (
        <div>
          <p class="error">{`Guard ${event.data.guard} tripped: ${event.data.reason}`}</p>
          {event.data.proposed ? (
            <details open>
              <summary>{`The step it stopped: ${event.data.proposed.intent}`}</summary>
              <Json value={event.data.proposed.args} />
            </details>
          ) : null}
        </div>
      );
    case 'thread_failed':
      return <p class="error">{`Failed: ${event.data.reason}`}</p>;
    case 'retry_requested':
      return <p>{`Retry asked by ${event.data.by}`}</p>;
    case 'thread_stopped':
      return <p>{`Stopped by ${event.data.by}: no further step runs until a new message`}</p>;
    case 'context_compacted':
      return <p>{`Context compacted (${event.data.reason}): ${event.data.tokensBefore} → ${event.data.tokensAfter} tokens of a ${event.data.budgetTokens} budget, ${event.data.collapsed.length} results collapsed`}</p>;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
};
