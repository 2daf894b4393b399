// The inspector's page shell: one stylesheet inline (no build step), landmarks, a skip link, and the live-update script.
import type { Child, FC } from 'hono/jsx';

// Colours meet WCAG AA contrast on their backgrounds; focus is always visible.
const css = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #4a4a4a; --bg: #fff; --line: #c8c8c8; --accent: #0b57d0; --bad: #a50e0e; --code: #f4f4f4; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
header.top { display: flex; gap: 1rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); }
header.top form { margin-left: auto; }
main { padding: 1rem; max-width: 80rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: var(--bg); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin-bottom: 1rem; }
form.filters label, form.login label { display: flex; flex-direction: column; font-weight: 600; }
input, select, button { font: inherit; padding: .3rem .5rem; }
button { cursor: pointer; }
pre { background: var(--code); padding: .5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: .25rem 0; }
ol.timeline { list-style: none; padding: 0; } ol.timeline > li { border-left: 3px solid var(--line); padding: .25rem 0 .75rem .75rem; margin-bottom: .5rem; }
.meta { color: var(--muted); font-size: .9rem; } .error { color: var(--bad); font-weight: 600; }
dl.usage { display: grid; grid-template-columns: max-content auto; gap: 0 1rem; margin: .25rem 0; } dl.usage dt { color: var(--muted); }
form.decide label, form.answer label { display: flex; flex-direction: column; font-weight: 600; max-width: 40rem; }
.notice { border: 2px solid var(--accent); padding: .5rem; } section.waiting { border: 2px solid var(--line); padding: .5rem 1rem; margin: 1rem 0; }
mark.shared { background: #e8e8e8; color: var(--muted); } ins.tail { background: #d7f5dd; text-decoration: none; }
`;

/** `live`: the thread id this page follows, or '' for every thread; absent, the page does not update itself. */
export const Layout: FC<{ title: string; signedIn: boolean; live?: string; children?: Child }> = ({ title, signedIn, live, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · Hardway inspector`}</title>
      <style>{css}</style>
      {live === undefined ? null : <script src="/ui/live.js" defer></script>}
    </head>
    <body data-live={live}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <strong>Hardway inspector</strong>
        <nav aria-label="Main">
          <a href="/ui">Threads</a>
        </nav>
        {signedIn ? (
          <form method="post" action="/ui/logout">
            <button type="submit">Log out</button>
          </form>
        ) : null}
        {live === undefined ? null : <p id="live-status" class="meta" role="status" aria-live="polite"></p>}
      </header>
      <main id="main">
        <h1>{title}</h1>
        {children}
      </main>
    </body>
  </html>
);
