// /ui: the thread inspector, server-rendered with Hono's JSX; a login with the API token, then plain pages and forms.
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { HardwayError } from '../../core/errors.js';
import type { HumanInput } from '../../core/human-input.js';
import { foldState, type ThreadState } from '../../core/state.js';
import { noHumanIntents, type Thread, type ThreadStatus } from '../../core/thread.js';
import type { CallId, ThreadId } from '../../core/ids.js';
import type { RegisteredAgent } from '../../runtime/agent-module.js';
import type { ThreadIntake } from '../../runtime/intake.js';
import type { ThreadStore } from '../../store/thread-store.js';
import { loopbackOnly } from '../loopback-only.js';
import { threadIdParam } from '../schemas.js';
import { isNotice, type Notice } from './decision-forms.js';
import { listFilters, toListOptions } from './list-filters.js';
import { liveScript } from './live-script.js';
import { LoginPage } from './login-page.js';
import { promptView } from './prompt-view.js';
import { sameOriginPosts } from './same-origin.js';
import { endSession, requireSession, sameToken, startSession, type SessionOptions } from './session.js';
import { StepPage } from './step-page.js';
import type { ThreadChanges } from './thread-changes.js';
import { ThreadPage } from './thread-page.js';
import { ThreadsPage } from './threads-page.js';

/** The channel name recorded on a decision made on the inspector's pages. */
export const UI_CHANNEL = 'ui';

export interface UiDeps {
  store: ThreadStore;
  agents: ReadonlyMap<string, RegisteredAgent>;
  /** The one intake every channel writes through: decisions made here get the same policy and approver rules. */
  intake: ThreadIntake;
  /** Without it, pages do not update live (the event stream answers 404). */
  changes?: ThreadChanges;
  /** At most this many live streams at once; more get 503 and the pages still work without. Default 64. */
  maxStreams?: number;
  /** How often an idle stream sends a comment, so proxies keep it open. Default 15 s. */
  heartbeatMs?: number;
  /** Without one, the inspector needs no login and serves loopback requests only, as /v1 does. */
  apiToken?: string;
  /** Epoch milliseconds; sessions expire on it. */
  now?: () => number;
  sessionMs?: number;
}

const loginForm = z.object({ token: z.string().max(1000).default(''), next: z.string().max(2000).default('/ui') });
const decisionForm = z.object({
  decision: z.enum(['approve', 'deny']),
  reason: z.string().max(10_000).default(''),
  callId: z.string().regex(/^call_[\w-]{1,100}$/).optional(),
});
const answerForm = z.object({ answer: z.string().trim().min(1).max(100_000), question: z.coerce.number().int().min(1) });

/** Only a path inside the inspector: a login link must not send anyone elsewhere. */
const safeNext = (next: string): string => (/^\/ui(\/[\w\-/]*)?$/.test(next) ? next : '/ui');

export function uiRoutes(deps: UiDeps): Hono {
  const ui = new Hono();
  ui.use('*', async (c, next) => {
    // The pages load nothing from elsewhere and run only their own live-update script; framing is how a click could be stolen.
    await next();
    c.header(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
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
      <ThreadsPage
        filters={filters.data}
        agents={[...deps.agents.keys()]}
        threads={page.threads}
        live={deps.changes !== undefined}
        {...(page.nextCursor ? { nextCursor: page.nextCursor } : {})}
      />,
    );
  });

  const humanIntentsOf = (thread: Thread) => deps.agents.get(thread.agent)?.definition.humanIntents ?? noHumanIntents;
  const loadThread = async (raw: string | undefined): Promise<{ thread: Thread; status: ThreadStatus; state: ThreadState } | undefined> => {
    const id = threadIdParam.safeParse(raw);
    const thread = id.success ? await deps.store.load(id.data as ThreadId) : undefined;
    if (thread === undefined) return undefined;
    const [summary] = (await deps.store.list({ id: thread.id, limit: 1 })).threads;
    const state = foldState(thread.events, humanIntentsOf(thread));
    return { thread, status: summary?.status ?? state.status, state };
  };

  /** Through the intake, as the API does; a refusal by the thread's state (already decided) is the stale notice. */
  const decide = async (c: Context, input: HumanInput, done: Notice, deliveryId?: string): Promise<Response> => {
    const id = threadIdParam.safeParse(c.req.param('id'));
    if (!id.success) return c.notFound();
    let notice: Notice = done;
    try {
      const outcome = await deps.intake.receive({
        kind: 'input',
        threadId: id.data as ThreadId,
        from: { channel: UI_CHANNEL },
        input,
        ...(deliveryId === undefined ? {} : { delivery: { source: UI_CHANNEL, id: `${id.data}:${deliveryId}` } }),
      });
      if (outcome.kind === 'duplicate') notice = 'stale';
      if (outcome.kind === 'recorded' && outcome.meaning === 'not_an_approver') notice = 'not_an_approver';
    } catch (error) {
      if (HardwayError.isInstance(error, 'thread_not_found')) return c.notFound();
      if (!HardwayError.isInstance(error, 'invalid_state')) throw error;
      notice = 'stale';
    }
    return c.redirect(`/ui/threads/${id.data}?notice=${notice}`, 303);
  };

  ui.post('/threads/:id/decision', async (c) => {
    const form = decisionForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.text('bad decision form', 400);
    const { decision, reason, callId } = form.data;
    const input: HumanInput = {
      kind: 'decision',
      approve: decision === 'approve',
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      // The call the operator was shown: a decision on a request since replaced is refused, not applied to the new one.
      ...(callId ? { callId: callId as CallId } : {}),
    };
    return decide(c, input, decision === 'approve' ? 'approved' : 'denied');
  });

  ui.post('/threads/:id/answer', async (c) => {
    const form = answerForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.text('an answer needs some words', 400);
    // One answer per question from the page: the form names the question, so a second submit of it is a duplicate.
    return decide(c, { kind: 'answer', text: form.data.answer }, 'answered', `answer:${form.data.question}`);
  });

  ui.post('/threads/:id/retry', (c) => decide(c, { kind: 'retry' }, 'retried'));

  ui.get('/live.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(liveScript);
  });

  let openStreams = 0;
  ui.get('/events', (c) => {
    const changes = deps.changes;
    if (changes === undefined || changes.closed) return c.notFound();
    if (openStreams >= (deps.maxStreams ?? 64)) return c.text('too many live streams; reload to see changes', 503);
    const only = threadIdParam.safeParse(c.req.query('thread'));
    openStreams++;
    return streamSSE(c, async (stream) => {
      const pending = new Set<string>();
      let ended = false;
      let wake: (() => void) | undefined;
      const signal = (): void => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      const unsubscribe = changes.subscribe(
        (threadId) => {
          if (only.success && threadId !== only.data) return;
          pending.add(threadId);
          signal();
        },
        () => {
          ended = true;
          signal();
        },
      );
      stream.onAbort(() => {
        ended = true;
        signal();
      });
      try {
        await stream.writeSSE({ event: 'ready', data: only.success ? only.data : 'all' });
        while (!ended && !stream.aborted) {
          if (pending.size === 0) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(signal, deps.heartbeatMs ?? 15_000);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
          }
          if (ended || stream.aborted) break;
          if (pending.size === 0) {
            await stream.write(': idle\n\n');
            continue;
          }
          const ids = [...pending];
          pending.clear();
          for (const threadId of ids) await stream.writeSSE({ event: 'changed', data: threadId });
        }
      } finally {
        unsubscribe();
        openStreams--;
      }
    });
  });

  ui.get('/threads/:id', async (c) => {
    const found = await loadThread(c.req.param('id'));
    if (found === undefined) return c.notFound();
    const { thread, status, state } = found;
    const open = Number(c.req.query('prompt'));
    const prompts = new Map((await deps.store.stepPrompts(thread.id)).map((p) => [p.seq, promptView(p, p.seq === open)]));
    const notice = c.req.query('notice');
    return c.html(
      <ThreadPage
        thread={thread}
        status={status}
        state={state}
        humanIntents={humanIntentsOf(thread)}
        prompts={prompts}
        live={deps.changes !== undefined}
        {...(isNotice(notice) ? { notice } : {})}
      />,
    );
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
