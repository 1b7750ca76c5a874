/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The page shell: landmarks, skip link, header with navigation and the signed-in user, the flash
// message, and the stylesheets and script (no inline script or style: the CSP forbids them).
import type { Child } from 'hono/jsx';
import type { Assets } from '../assets.ts';
import { canAct, type AuthPrincipal } from '../../http/auth/principal.ts';
import type { Flash } from '../flash.ts';
import type { DashboardPaths } from '../paths.ts';
import type { Session } from '../security/session.ts';
import { CsrfField } from './ui.tsx';

/** Plain CSS, in cascade order (see the comment at the top of theme.css). */
const STYLESHEETS = [
  'theme.css',
  'base.css',
  'layout.css',
  'tables.css',
  'controls.css',
  'navigation.css',
  'widgets.css',
  'messages.css',
  'chart.css',
  'pages.css',
];

export type NavSection = 'overview' | 'runs' | 'queue' | 'none';

export interface Shell {
  assets: Assets;
  /** URLs under the base the dashboard is mounted at, for this request. */
  paths: DashboardPaths;
  /** The host app authorizes (no sign-in or sign-out here); told to the script too. */
  hostAuth?: boolean;
  /** Who is signed in; absent on the sign-in page and refusals before it. */
  principal?: AuthPrincipal;
  /** The built-in sign-in's session (for its sign-out form). */
  session?: Session;
  /** Where the API docs are, when not at '<base>/api/docs' (see DashboardOptions). */
  apiDocs?: string;
  csrf?: string;
  flash?: Flash;
  /** JOBS_TIMEZONE, shown in the footer (cron times are in it). */
  timezone?: string;
}

/** Why the controls that change something are off on this page: a viewer may look but not act. */
export const viewOnlyReason = (shell: Shell): string | undefined =>
  shell.principal && !canAct(shell.principal) ? 'You can look but not act: this needs an admin' : undefined;

const navOf = (paths: DashboardPaths): { section: NavSection; href: string; label: string }[] => [
  { section: 'overview', href: paths.overview, label: 'Overview' },
  { section: 'runs', href: paths.runs, label: 'Runs' },
  { section: 'queue', href: paths.queue, label: 'Queue' },
];

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" class="logo-bg" />
      <path class="logo-moon" d="M20.5 7.5a9 9 0 1 0 4 15.8A10 10 0 0 1 20.5 7.5z" />
      <circle class="logo-star" cx="23" cy="10" r="1.6" />
    </svg>
  );
}

export function FlashMessage(props: { flash?: Flash }) {
  const flash = props.flash;
  return (
    <div id="flash" class="flash-slot" role={flash?.tone === 'error' ? 'alert' : 'status'}>
      {flash ? (
        <div class={`flash flash-${flash.tone}`} data-until-settled={flash.untilSettled ? '' : undefined}>
          <span>{flash.text}</span>
          {flash.link ? (
            <a href={flash.link.href} class="flash-link">
              {flash.link.label}
            </a>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export function Layout(props: { shell: Shell; title: string; section: NavSection; children: Child; bodyClass?: string }) {
  const { shell } = props;
  const { paths, principal } = shell;
  const signedIn = principal !== undefined;
  const asset = (name: string) => paths.asset(name, shell.assets.version(name));
  // A session's role is the token's (owner or admin); a host's principal is admin or viewer.
  const who = principal && { name: principal.actor ?? 'signed in', role: shell.session?.role ?? principal.role };
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · Nightshift`}</title>
        <link rel="icon" type="image/svg+xml" href={asset('favicon.svg')} />
        {STYLESHEETS.map((name) => (
          <link rel="stylesheet" href={asset(name)} />
        ))}
        {shell.csrf ? <meta name="csrf-token" content={shell.csrf} /> : null}
        <script type="module" src={asset('dashboard.js')}></script>
      </head>
      <body class={props.bodyClass} data-live-interval={signedIn ? '1500' : undefined} data-base={paths.base} data-auth={shell.hostAuth ? 'host' : 'session'}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="site-header-inner">
            <a class="brand" href={paths.overview}>
              <Logo />
              <span>Nightshift</span>
            </a>
            {signedIn ? (
              <nav class="main-nav" aria-label="Main">
                <ul>
                  {navOf(paths).map((item) => (
                    <li>
                      <a href={item.href} aria-current={item.section === props.section ? 'page' : undefined}>
                        {item.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
            {signedIn ? (
              <div class="session">
                <span id="live-status" class="live-status" hidden>
                  <span class="live-dot" aria-hidden="true"></span>
                  <span class="live-text">Live</span>
                </span>
                <span class="who" title={`Signed in as ${who!.name} (${who!.role})`}>
                  <span class="who-name">{who!.name}</span>
                  <span class="who-role">{who!.role}</span>
                </span>
                {/* With a host's authorize, signing in and out is the host app's business. */}
                {shell.session ? (
                  <form method="post" action={paths.signOut} class="sign-out">
                    <CsrfField token={shell.csrf!} />
                    <button type="submit" class="button button-ghost button-small">
                      Sign out
                    </button>
                  </form>
                ) : null}
              </div>
            ) : null}
          </div>
        </header>
        <div id="session-banner" class="session-banner" role="alert" hidden></div>
        <main id="main" tabindex={-1}>
          <FlashMessage flash={shell.flash} />
          {props.children}
        </main>
        <footer class="site-footer">
          <span>
            Nightshift dashboard{signedIn ? <> · <a href={shell.apiDocs ?? paths.apiDocs}>API docs</a></> : null}
          </span>
          {shell.timezone ? <span>Times in UTC · cron schedules in {shell.timezone}</span> : null}
        </footer>
        <div id="announcer" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
      </body>
    </html>
  );
}
