// A thread's page: its timeline, every event with its channel and time, each model step with what it was sent.
import type { FC } from 'hono/jsx';
import type { ThreadState } from '../../core/state.js';
import type { HumanIntents, Thread, ThreadStatus } from '../../core/thread.js';
import { DecisionForms, notices, type Notice } from './decision-forms.js';
import { Layout } from './layout.js';
import { channelOf, EventBody } from './event-view.js';
import { statusLabels } from './list-filters.js';
import type { PromptView } from './prompt-view.js';

export const ThreadPage: FC<{
  thread: Thread;
  status: ThreadStatus;
  state: ThreadState;
  humanIntents: HumanIntents;
  prompts: ReadonlyMap<number, PromptView>;
  live: boolean;
  notice?: Notice;
}> = ({ thread, status, state, humanIntents, prompts, live, notice }) => (
  <Layout title={`Thread ${thread.id}`} signedIn={true} {...(live ? { live: thread.id } : {})}>
    {notice === undefined ? null : (
      <p class="notice" role="status" data-notice={notice}>
        {notices[notice]}
      </p>
    )}
    <p>
      {`Agent ${thread.agent} · ${statusLabels[status]} · ${thread.events.length} events`}
    </p>
    <DecisionForms threadId={thread.id} state={state} humanIntents={humanIntents} />
    <h2>Timeline</h2>
    <ol class="timeline">
      {thread.events.map((event) => (
        <li id={`seq-${event.seq}`} data-type={event.type}>
          <h3>
            {`#${event.seq} ${event.type}`}{' '}
            <span class="meta">
              {`via ${channelOf(event)} at `}
              <time datetime={event.at}>{event.at}</time>
            </span>
          </h3>
          <EventBody event={event} prompt={prompts.get(event.seq)} threadId={thread.id} />
        </li>
      ))}
    </ol>
  </Layout>
);
