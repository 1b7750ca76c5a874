// Nightshift dashboard script: a plain ES module, no build step, no dependencies. Everything it
// does is an enhancement; every page works (read-only at least) without it.
//
// - Live regions: every [data-live] element is refreshed from the server about every 1.5 s by
//   fetching the same URL and swapping in the regions whose HTML changed. Forms being typed in are
//   never inside a region; focus and open <details> survive a swap; polling pauses while the tab is
//   hidden and after the session ends (a banner then says so).
// - Forms marked data-enhance are posted in the background; the page refreshes in place.
// - Buttons marked data-dialog open their confirmation <dialog> instead of the confirmation page.
// - Times get relative wording ("3 min ago", or after the UTC time on detail pages) and a local-time tooltip.
// - The sign-in page reads a token from the #token= fragment, clears it and signs in.

const LIVE_HEADER = 'X-Nightshift-Live';
const body = document.body;
const interval = Number(body.dataset.liveInterval || 0);
// Where the dashboard is mounted ('' at the root, '/admin/jobs' ...), and who signs people in: the
// server puts both on <body> (data attributes: the CSP allows no inline script to carry them).
const base = body.dataset.base ?? '';
const hostAuth = body.dataset.auth === 'host';
const overviewUrl = base || '/';

/* ---------- Times ---------- */

function relative(ms, now) {
  const diff = ms - now;
  const s = Math.round(Math.abs(diff) / 1000);
  if (s < 5) return diff <= 0 ? 'just now' : 'in a few seconds';
  let text;
  if (s < 60) text = `${s} s`;
  else if (s < 3600) text = `${Math.floor(s / 60)} min`;
  else if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    text = h < 6 && m ? `${h} h ${m} min` : `${h} h`;
  } else if (s < 14 * 86400) text = `${Math.floor(s / 86400)} d`;
  else return null;
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

function elapsed(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function formatTimes(root) {
  const now = Date.now();
  for (const el of root.querySelectorAll('time[data-rel]')) {
    const ms = Date.parse(el.getAttribute('datetime'));
    if (Number.isNaN(ms)) continue;
    if (!el.dataset.abs) el.dataset.abs = el.textContent.trim();
    const rel = relative(ms, now);
    // data-rel="full" (detail pages): keep the exact time and add the relative one after it.
    const text = el.dataset.rel === 'full' ? (rel ? `${el.dataset.abs} (${rel})` : el.dataset.abs) : (rel ?? el.dataset.abs);
    if (el.textContent !== text) el.textContent = text;
    if (!el.title) el.title = `${new Date(ms).toLocaleString()} (your time) · ${el.dataset.abs}`;
  }
  for (const el of root.querySelectorAll('[data-elapsed-since]')) {
    const ms = Date.parse(el.dataset.elapsedSince);
    if (!Number.isNaN(ms)) el.textContent = `running ${elapsed(now - ms)}`;
  }
}

/* ---------- Announcements and messages ---------- */

const announcer = document.getElementById('announcer');
function announce(text) {
  if (!announcer || !text) return;
  announcer.textContent = '';
  // A separate task, so the same text twice is still announced.
  setTimeout(() => (announcer.textContent = text), 50);
}

function enhanceFlash(slot) {
  const flash = slot?.querySelector('.flash');
  if (!flash || flash.querySelector('.flash-close')) return;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'flash-close';
  close.textContent = 'Dismiss';
  close.addEventListener('click', () => {
    slot.replaceChildren();
    document.getElementById('main')?.focus();
  });
  flash.append(close);
}

function showFlash(tone, text) {
  const slot = document.getElementById('flash');
  if (!slot) return;
  const div = document.createElement('div');
  div.className = `flash flash-${tone}`;
  const span = document.createElement('span');
  span.textContent = text;
  div.append(span);
  slot.setAttribute('role', tone === 'error' ? 'alert' : 'status');
  slot.replaceChildren(div);
  enhanceFlash(slot);
}

/* ---------- Live regions ---------- */

const serverHtml = new Map();
for (const region of document.querySelectorAll('[data-live][id]')) serverHtml.set(region.id, region.innerHTML);

const status = document.getElementById('live-status');
function setLiveState(state, text) {
  if (!status) return;
  status.hidden = false;
  status.dataset.state = state;
  const label = status.querySelector('.live-text');
  if (label) label.textContent = text;
  status.title = state === 'live' ? 'This page updates itself every few seconds' : text;
}

let stopped = false;
let busy = false;
let submitting = false;
let timer;
let failures = 0;

function sessionEnded(reason) {
  stopped = true;
  clearTimeout(timer);
  setLiveState('paused', 'Signed out');
  const banner = document.getElementById('session-banner');
  if (!banner) return;
  if (hostAuth) {
    // Signing in is the host application's: a reload goes through its sign-in, if it has one.
    const reload = document.createElement('a');
    reload.href = location.pathname + location.search;
    reload.textContent = 'Reload the page';
    banner.replaceChildren(document.createTextNode('The application no longer grants you access to this dashboard, so this page stopped updating. '), reload);
    banner.hidden = false;
    return;
  }
  const next = location.pathname + location.search;
  const link = document.createElement('a');
  link.href = `${base}/sign-in?reason=${['signed-out', 'invalid', 'expired'].includes(reason) ? reason : 'ended'}&next=${encodeURIComponent(next)}`;
  link.textContent = 'Sign in again';
  // 'required': the browser no longer sends the cookie (its Max-Age ran out, or sign-out in another tab).
  const why = {
    'signed-out': 'You were signed out, so this page stopped updating. ',
    invalid: 'Your session is no longer valid (the server may have restarted with a new secret), so this page stopped updating. ',
    expired: 'Your session has expired, so this page stopped updating. ',
  }[reason] ?? 'Your session has ended (it expired, or you signed out in another tab), so this page stopped updating. ';
  banner.replaceChildren(document.createTextNode(why), link);
  banner.hidden = false;
}

/** The page's subject was deleted (e.g. by retention) while open: say so instead of retrying forever. */
function itemGone() {
  stopped = true;
  clearTimeout(timer);
  setLiveState('paused', 'Gone');
  const banner = document.getElementById('session-banner');
  if (!banner) return;
  const link = document.createElement('a');
  link.href = overviewUrl;
  link.textContent = 'Back to the overview';
  banner.replaceChildren(document.createTextNode('This no longer exists on the server (it may have been deleted by history retention), so this page stopped updating. '), link);
  banner.hidden = false;
}

/**
 * Which element has focus, in terms that survive a swap: its id, else its tag, href and text and
 * its position among the elements that share them (row links and buttons mostly have no id).
 */
function focusKey(region, el) {
  if (el.id) return { id: el.id };
  const same = (other) => other.getAttribute('href') === el.getAttribute('href') && other.textContent.trim() === el.textContent.trim();
  const matches = [...region.querySelectorAll(el.tagName)].filter(same);
  return { tag: el.tagName, same, index: matches.indexOf(el) };
}

function findFocusTarget(region, key) {
  if (key.id) return document.getElementById(key.id);
  return [...region.querySelectorAll(key.tag)].filter(key.same)[key.index] ?? null;
}

/** Swaps in every region of `doc` whose server HTML changed; keeps focus and open <details>. */
function applyRegions(doc) {
  for (const region of document.querySelectorAll('[data-live][id]')) {
    const fresh = doc.getElementById(region.id);
    if (!fresh) continue;
    const html = fresh.innerHTML;
    if (serverHtml.get(region.id) === html) continue;
    const active = document.activeElement;
    const hadFocus = active && active !== region && region.contains(active);
    const focus = hadFocus ? focusKey(region, active) : null;
    const open = [...region.querySelectorAll('details[open][id]')].map((d) => d.id);
    const scrolls = [...region.querySelectorAll('.table-wrap')].map((w) => w.scrollLeft);
    region.replaceChildren(...fresh.childNodes);
    serverHtml.set(region.id, html);
    for (const id of open) document.getElementById(id)?.setAttribute('open', '');
    [...region.querySelectorAll('.table-wrap')].forEach((w, i) => (w.scrollLeft = scrolls[i] ?? 0));
    formatTimes(region);
    if (focus) {
      const target = findFocusTarget(region, focus);
      if (target && !target.disabled) target.focus({ preventScroll: true });
      else {
        // The focused element is gone: keep keyboard users in this region, not at the top of the page.
        region.setAttribute('tabindex', '-1');
        region.focus({ preventScroll: true });
      }
    }
    const said = fresh.dataset.announce;
    if (said && said !== region.dataset.announce) {
      region.dataset.announce = said;
      announce(said);
    }
  }
  dropSettledFlash();
}

/** "Cancel requested…" is stale once a live region shows the job settled (data-settled): drop it. */
function dropSettledFlash() {
  if (!document.querySelector('[data-live] [data-settled]')) return;
  const slot = document.getElementById('flash');
  const stale = slot?.querySelector('.flash[data-until-settled]');
  if (!stale) return;
  const hadFocus = stale.contains(document.activeElement);
  stale.remove();
  if (hadFocus) document.getElementById('main')?.focus({ preventScroll: true });
}

async function refresh() {
  if (stopped || busy || document.hidden) return;
  busy = true;
  try {
    const res = await fetch(location.href, { headers: { [LIVE_HEADER]: '1' }, credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) return sessionEnded(res.headers.get('X-Nightshift-Session'));
    if (res.status === 404) return itemGone();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    if (!submitting) applyRegions(doc);
    failures = 0;
    setLiveState('live', 'Live');
  } catch {
    failures += 1;
    setLiveState('error', 'Reconnecting…');
  } finally {
    busy = false;
    schedule();
  }
}

function schedule() {
  clearTimeout(timer);
  if (stopped || !interval || document.hidden) return;
  timer = setTimeout(refresh, failures ? Math.min(10_000, interval * 2 ** failures) : interval);
}

if (interval && document.querySelector('[data-live]')) {
  setLiveState('live', 'Live');
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      clearTimeout(timer);
      setLiveState('paused', 'Paused');
    } else {
      refresh();
    }
  });
  schedule();
}

/* ---------- Forms posted in the background ---------- */

const csrf = document.querySelector('meta[name="csrf-token"]')?.content;

document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches('form[data-enhance]')) return;
  if (event.submitter?.getAttribute('formmethod') === 'dialog') return; // "Keep it" just closes
  event.preventDefault();
  if (submitting) return;
  submitting = true;
  // Busy, not disabled: a disabled button would drop keyboard focus to the top of the page.
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((b) => b.setAttribute('aria-busy', 'true'));
  const dialog = form.closest('dialog');
  try {
    const res = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      headers: csrf ? { 'X-CSRF-Token': csrf } : {},
      credentials: 'same-origin',
    });
    dialog?.close();
    const url = new URL(res.url);
    if (res.redirected && url.pathname !== location.pathname) {
      location.assign(res.url); // another page (the sign-in page after the session ended): go there
      return;
    }
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    if (!res.redirected) {
      // Not the usual redirect: a refusal or error page (403, 404). Say what it says, stay here.
      const title = doc.getElementById('message-title')?.textContent ?? 'The action failed';
      const detail = doc.querySelector('.message-body')?.textContent?.trim() ?? '';
      showFlash('error', detail ? `${title}. ${detail}` : title);
      return;
    }
    const flash = doc.getElementById('flash');
    if (flash && flash.children.length) {
      document.getElementById('flash')?.replaceChildren(...flash.childNodes);
      enhanceFlash(document.getElementById('flash'));
    }
    submitting = false;
    applyRegions(doc);
    // The button that was pressed may be gone (a cancelled job has no cancel button): keep keyboard
    // users near the outcome rather than at the top of the document.
    if (document.activeElement === document.body || !document.activeElement) {
      const slot = document.getElementById('flash');
      slot?.setAttribute('tabindex', '-1');
      slot?.focus();
    }
  } catch {
    dialog?.close();
    showFlash('error', 'Could not reach the server. Check that Nightshift is running, then try again.');
  } finally {
    submitting = false;
    buttons.forEach((b) => b.removeAttribute('aria-busy'));
  }
});

/* ---------- Confirmation dialogs ---------- */

document.addEventListener('click', (event) => {
  // A button in a form that GETs the confirmation page: with the script, the dialog opens instead.
  const opener = event.target instanceof Element ? event.target.closest('[data-dialog]') : null;
  if (!opener) return;
  const dialog = document.getElementById(opener.dataset.dialog);
  if (!(dialog instanceof HTMLDialogElement)) return; // no dialog support: the form opens the page
  event.preventDefault();
  dialog.showModal();
  // The browser gives focus back to the button on close, unless a refresh replaced the button while
  // the dialog was open: then focus the fresh button of the same id rather than the page's top.
  // (After a confirmed action the form handler decides where focus goes.)
  const openerId = opener.id;
  dialog.addEventListener(
    'close',
    () => {
      const lost = !document.activeElement || document.activeElement === document.body || dialog.contains(document.activeElement);
      if (!submitting && lost) document.getElementById(openerId)?.focus();
    },
    { once: true },
  );
});

/* ---------- Enqueue form: examples and hints follow the chosen type ---------- */

const typeSelect = document.getElementById('e-type');
const payload = document.getElementById('e-payload');
if (typeSelect instanceof HTMLSelectElement && payload instanceof HTMLTextAreaElement) {
  let lastExample = typeSelect.selectedOptions[0]?.dataset.example ?? payload.value;
  typeSelect.addEventListener('change', () => {
    const option = typeSelect.selectedOptions[0];
    const example = option?.dataset.example ?? '{}';
    // Replace the payload only if the user has not written their own.
    if (payload.value.trim() === '' || payload.value.trim() === '{}' || payload.value === lastExample) payload.value = example;
    lastExample = example;
    const description = document.getElementById('type-description');
    if (description && option?.dataset.description) description.textContent = option.dataset.description;
    for (const hint of document.querySelectorAll('[data-fields-for]')) hint.hidden = hint.dataset.fieldsFor !== typeSelect.value;
  });
}

document.getElementById('error-summary')?.focus();

/* ---------- Sign-in from a link: <base>/sign-in#token=<jwt> ---------- */

const signInForm = document.getElementById('sign-in-form');
function signInFromFragment() {
  if (!(signInForm instanceof HTMLFormElement) || !location.hash.startsWith('#token=')) return;
  const token = decodeURIComponent(location.hash.slice('#token='.length));
  // Take the token out of the address bar (and history) before anything else.
  history.replaceState(null, '', location.pathname + location.search);
  const field = document.getElementById('token');
  if (field && token) {
    field.value = token;
    signInForm.requestSubmit();
  }
}
signInFromFragment();
// The link pasted into the address bar of an open sign-in page only changes the fragment.
window.addEventListener('hashchange', signInFromFragment);

/* ---------- Start ---------- */

formatTimes(document);
enhanceFlash(document.getElementById('flash'));
setInterval(() => {
  if (!document.hidden) formatTimes(document);
}, 1000);
