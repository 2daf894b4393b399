// The threads list: filters by status, agent and channel, a search box, newest first, one cursor page at a time.
import type { FC } from 'hono/jsx';
import type { ThreadSummary } from '../../store/thread-store.js';
import { Layout } from './layout.js';
import { statusLabels, type ListFilters } from './list-filters.js';

const filterQuery = (filters: ListFilters, cursor: string): string => {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.agent) params.set('agent', filters.agent);
  if (filters.channel) params.set('channel', filters.channel);
  if (filters.q) params.set('q', filters.q);
  params.set('cursor', cursor);
  return `/ui?${params.toString()}`;
};

export const ThreadsPage: FC<{ filters: ListFilters; agents: string[]; threads: ThreadSummary[]; live: boolean; nextCursor?: string }> = ({
  filters,
  agents,
  threads,
  live,
  nextCursor,
}) => (
  <Layout title="Threads" signedIn={true} {...(live ? { live: '' } : {})}>
    <form class="filters" method="get" action="/ui" role="search" aria-label="Filter threads">
      <label for="status">
        Status
        <select id="status" name="status">
          <option value="">any</option>
          {Object.entries(statusLabels).map(([value, label]) => (
            <option value={value} selected={filters.status === value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label for="agent">
        Agent
        <select id="agent" name="agent">
          <option value="">any</option>
          {agents.map((a) => (
            <option value={a} selected={filters.agent === a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label for="channel">
        Channel
        <input id="channel" name="channel" value={filters.channel ?? ''} placeholder="email, slack, sms, api…" />
      </label>
      <label for="q">
        Search
        <input id="q" name="q" type="search" value={filters.q ?? ''} placeholder="words, sender address, ENG-42" />
      </label>
      <button type="submit">Filter</button>
    </form>
    {threads.length === 0 ? (
      <p>No threads match.</p>
    ) : (
      <table>
        <caption class="meta">Newest first</caption>
        <thead>
          <tr>
            <th scope="col">Thread</th>
            <th scope="col">Agent</th>
            <th scope="col">Status</th>
            <th scope="col">Events</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {threads.map((t) => (
            <tr data-thread={t.id}>
              <td>
                <a href={`/ui/threads/${t.id}`}>{t.id}</a>
              </td>
              <td>{t.agent}</td>
              <td>{statusLabels[t.status]}</td>
              <td>{t.lastSeq}</td>
              <td>
                <time datetime={t.updatedAt}>{t.updatedAt}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    {nextCursor ? (
      <p>
        <a href={filterQuery(filters, nextCursor)} rel="next">
          Older threads →
        </a>
      </p>
    ) : null}
  </Layout>
);
