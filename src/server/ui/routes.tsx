// /ui: the thread inspector, server-rendered with Hono's JSX; a login with the API token, then plain pages and forms.
import { Hono } from 'hono';
import { z } from 'zod';
import { foldState } from '../../core/state.js';
import { noHumanIntents, type Thread, type ThreadStatus } from '../../core/thread.js';
import type { ThreadId } from '../../core/ids.js';
import type { RegisteredAgent } from '../../runtime/agent-module.js';
import type { ThreadStore } from '../../store/thread-store.js';
import { loopbackOnly } from '../loopback-only.js';
import { threadIdParam } from '../schemas.js';
import { listFilters, toListOptions } from './list-filters.js';
import { LoginPage } from './login-page.js';
import { promptView } from './prompt-view.js';
import { sameOriginPosts } from './same-origin.js';
import { endSession, requireSession, sameToken, startSession, type SessionOptions } from './session.js';
import { StepPage } from './step-page.js';
import { ThreadPage } from './thread-page.js';
import { ThreadsPage } from './threads-page.js';

export interface UiDeps {
  store: ThreadStore;
  agents: ReadonlyMap<string, RegisteredAgent>;
  /** Without one, the inspector needs no login and serves loopback requests only, as /v1 does. */
  apiToken?: string;
  /** Epoch milliseconds; sessions expire on it. */
  now?: () => number;
  sessionMs?: number;
}

const loginForm = z.object({ token: z.string().max(1000).default(''), next: z.string().max(2000).default('/ui') });

/** Only a path inside the inspector: a login link must not send anyone elsewhere. */
const safeNext = (next: string): string => (/^\/ui(\/[\w\-/]*)?$/.test(next) ? next : '/ui');

export function uiRoutes(deps: UiDeps): Hono {
  const ui = new Hono();
  ui.use('*', async (c, next) => {
    // The pages load nothing from elsewhere and run no script; framing them is how a click could be stolen.
    await next();
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
  });
  if (deps.apiToken === undefined) ui.use('*', loopbackOnly());
  ui.use('*', sameOriginPosts());

  const token = deps.apiToken;
  if (token !== undefined) {
    const session: SessionOptions = { apiToken: token, now: deps.now ?? Date.now, ...(deps.sessionMs ? { sessionMs: deps.sessionMs } : {}) };
    ui.get('/login', (c) => c.html(<LoginPage next={safeNext(c.req.query('next') ?? '/ui')} />));
    ui.post('/login', async (c) => {
      const form = loginForm.safeParse(await c.req.parseBody());
      const next = safeNext(form.success ? form.data.next : '/ui');
      if (!form.success || !sameToken(form.data.token, token)) {
        return c.html(<LoginPage next={next} error="That is not the API token." />, 401);
      }
      await startSession(c, session);
      return c.redirect(next, 303);
    });
    ui.post('/logout', (c) => {
      endSession(c);
      return c.redirect('/ui/login', 303);
    });
    ui.use('*', requireSession(session));
  } else {
    ui.get('/login', (c) => c.redirect('/ui', 303));
  }

  ui.get('/', async (c) => {
    const filters = listFilters.safeParse(c.req.query());
    if (!filters.success) return c.text('bad filter', 400);
    const page = await deps.store.list(toListOptions(filters.data));
    return c.html(
      <ThreadsPage filters={filters.data} agents={[...deps.agents.keys()]} threads={page.threads} {...(page.nextCursor ? { nextCursor: page.nextCursor } : {})} />,
    );
  });

  const loadThread = async (raw: string | undefined): Promise<{ thread: Thread; status: ThreadStatus } | undefined> => {
    const id = threadIdParam.safeParse(raw);
    const thread = id.success ? await deps.store.load(id.data as ThreadId) : undefined;
    if (thread === undefined) return undefined;
    const [summary] = (await deps.store.list({ id: thread.id, limit: 1 })).threads;
    const status = summary?.status ?? foldState(thread.events, deps.agents.get(thread.agent)?.definition.humanIntents ?? noHumanIntents).status;
    return { thread, status };
  };

  ui.get('/threads/:id', async (c) => {
    const found = await loadThread(c.req.param('id'));
    if (found === undefined) return c.notFound();
    const { thread, status } = found;
    const open = Number(c.req.query('prompt'));
    const prompts = new Map((await deps.store.stepPrompts(thread.id)).map((p) => [p.seq, promptView(p, p.seq === open)]));
    return c.html(<ThreadPage thread={thread} status={status} prompts={prompts} />);
  });

  ui.get('/threads/:id/steps/:seq', async (c) => {
    const thread = (await loadThread(c.req.param('id')))?.thread;
    const seq = Number(c.req.param('seq'));
    const event = thread?.events.find((e) => e.seq === seq);
    if (thread === undefined || event === undefined) return c.notFound();
    return c.html(<StepPage threadId={thread.id} event={event} prompt={await deps.store.stepPrompt(thread.id, seq)} />);
  });

  return ui;
}
