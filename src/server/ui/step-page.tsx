// One model step in full: the exact request body it sent (hash checked by the store), its raw output and parsed step.
import type { FC } from 'hono/jsx';
import type { ThreadEvent } from '../../core/events.js';
import type { StoredPrompt } from '../../store/thread-store.js';
import { Layout } from './layout.js';

export const StepPage: FC<{ threadId: string; event: ThreadEvent; prompt: StoredPrompt | undefined }> = ({ threadId, event, prompt }) => {
  const usage = event.type === 'step_decided' || event.type === 'step_rejected' ? event.data.usage : undefined;
  return (
    <Layout title={`Step #${event.seq} of ${threadId}`} signedIn={true}>
      <p>
        <a href={`/ui/threads/${threadId}#seq-${event.seq}`}>← Back to the thread</a>
      </p>
      {event.type === 'step_decided' ? (
        <>
          <h2>Parsed step</h2>
          <pre>{JSON.stringify({ intent: event.data.intent, ...event.data.args }, null, 2)}</pre>
        </>
      ) : null}
      {event.type === 'step_rejected' ? <p class="error">{`Rejected: ${event.data.reason}`}</p> : null}
      {usage ? (
        <>
          <h2>Raw model output</h2>
          <pre>{usage.raw}</pre>
        </>
      ) : null}
      <h2>Exact prompt</h2>
      {prompt ? (
        <>
          <p class="meta">
            {`sha256 ${prompt.sha256}; ${prompt.body.length} characters`}
            {prompt.previousSeq === undefined ? '' : `; the first ${prompt.prefixLength} shared with step #${prompt.previousSeq}`}
          </p>
          <pre id="prompt">{prompt.body}</pre>
        </>
      ) : (
        <p class="meta">No prompt stored for this step.</p>
      )}
    </Layout>
  );
};
