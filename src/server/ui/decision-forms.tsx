// What a thread waits for, and the forms that give it: approve or deny the pending call, answer the question, retry.
import type { FC } from 'hono/jsx';
import { retryAllowed, type ThreadState } from '../../core/state.js';
import type { HumanIntents } from '../../core/thread.js';

/** The outcome of a decision posted from the page, carried across the redirect by a code, never by free text. */
export const notices = {
  approved: 'Approved: the thread continues.',
  denied: 'Denied: the agent is told why.',
  answered: 'Answer recorded: the thread continues.',
  retried: 'Retry recorded: the thread runs again.',
  not_an_approver:
    'Not recorded as a decision: the approver rule for the ui channel does not count you as an approver of this thread. Your words were recorded as feedback.',
  stale: 'Nothing changed: this was already decided, or the thread is no longer waiting for that.',
} as const;
export type Notice = keyof typeof notices;

export const isNotice = (value: string | undefined): value is Notice => value !== undefined && Object.hasOwn(notices, value);

const DecisionForm: FC<{ threadId: string; callId?: string }> = ({ threadId, callId }) => (
  <form class="decide" method="post" action={`/ui/threads/${threadId}/decision`}>
    {callId === undefined ? null : <input type="hidden" name="callId" value={callId} />}
    <label for="reason">
      Reason or comment (optional; the agent reads it)
      <textarea id="reason" name="reason" rows={2} maxlength={10000}></textarea>
    </label>
    <p>
      <button type="submit" name="decision" value="approve">
        Approve
      </button>{' '}
      <button type="submit" name="decision" value="deny">
        Deny
      </button>
    </p>
  </form>
);

export const DecisionForms: FC<{ threadId: string; state: ThreadState; humanIntents: HumanIntents }> = ({ threadId, state, humanIntents }) => {
  const pending = state.status === 'awaiting_approval' ? state.pendingApproval : undefined;
  const question = state.status === 'awaiting_human' && state.lastFact !== 'escalated' ? state.lastDecision : undefined;
  const asksYesNo = question !== undefined && (humanIntents.approval ?? []).includes(question.data.intent);
  const retry = retryAllowed(state);
  if (pending === undefined && question === undefined && !retry) return null;
  return (
    <section class="waiting" aria-labelledby="waiting-heading">
      <h2 id="waiting-heading">Waiting for you</h2>
      {pending === undefined ? null : (
        <>
          <p>{`Approval needed (${pending.data.policy}) for ${pending.data.intent}, call ${pending.data.callId}. The exact operation:`}</p>
          <pre class="operation">{pending.data.summary}</pre>
          <DecisionForm threadId={threadId} callId={pending.data.callId} />
        </>
      )}
      {question === undefined ? null : (
        <>
          <p>{`The agent asks (${question.data.intent}):`}</p>
          <pre class="question">{JSON.stringify(question.data.args, null, 2)}</pre>
          <form class="answer" method="post" action={`/ui/threads/${threadId}/answer`}>
            <input type="hidden" name="question" value={String(question.seq)} />
            <label for="answer">
              Your answer
              <textarea id="answer" name="answer" rows={3} required maxlength={100000}></textarea>
            </label>
            <p>
              <button type="submit">Send answer</button>
            </p>
          </form>
          {asksYesNo ? <DecisionForm threadId={threadId} /> : null}
        </>
      )}
      {retry ? (
        <form class="retry" method="post" action={`/ui/threads/${threadId}/retry`}>
          <p>{state.status === 'failed' ? 'The thread failed.' : 'A guard escalated the thread to a human.'}</p>
          <button type="submit">Retry the thread</button>
        </form>
      ) : null}
    </section>
  );
};
