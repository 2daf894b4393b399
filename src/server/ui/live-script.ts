// The inspector's only script, served at /ui/live.js: on a change event it refetches the page and swaps its main
// content in. The pages are whole without it; it never replaces a form someone is filling in.
export const liveScript = `(() => {
  const body = document.body;
  const scope = body.dataset.live;
  if (scope === undefined || typeof EventSource === 'undefined') return;
  const status = document.getElementById('live-status');
  const say = (text) => { if (status) status.textContent = text; };
  const dirty = () => [...document.querySelectorAll('main textarea, main input:not([type=hidden]), main select')]
    .some((el) => (el.tagName === 'SELECT' ? [...el.options].some((o) => o.selected !== o.defaultSelected) : el.value !== el.defaultValue));
  let busy = false;
  let again = false;
  const refresh = async () => {
    if (busy) { again = true; return; }
    if (dirty()) { say('This changed while you were typing: reload the page to see it.'); return; }
    busy = true;
    try {
      const res = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!res.ok) { say('Could not refresh (HTTP ' + res.status + '): reload the page.'); return; }
      const next = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('main');
      const main = document.querySelector('main');
      if (next && main && !dirty()) {
        main.innerHTML = next.innerHTML;
        body.dataset.refreshes = String(Number(body.dataset.refreshes || '0') + 1);
        say('Updated ' + new Date().toLocaleTimeString() + '.');
      }
    } catch (e) {
      say('Could not refresh: reload the page.');
    } finally {
      busy = false;
      if (again) { again = false; void refresh(); }
    }
  };
  const source = new EventSource('/ui/events' + (scope ? '?thread=' + encodeURIComponent(scope) : ''));
  source.addEventListener('ready', () => { body.dataset.liveReady = 'yes'; });
  source.addEventListener('changed', () => { void refresh(); });
  addEventListener('pagehide', () => source.close());
})();
`;
