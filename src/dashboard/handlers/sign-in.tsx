/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// GET/POST <base>/sign-in and POST <base>/sign-out (registered only without a host authorize hook). Sign-in trades a JWT (checked exactly
// as the API checks bearer tokens) for a session cookie; it is guarded against login CSRF by the
// Origin check (a cross-site form must not sign a victim into someone else's session).
import { Hono } from 'hono';
import { pathsOf, publicShell, sendPage, type DashEnv, type Dashboard } from '../context.ts';
import { queryString, safeDashboardPath } from '../paths.ts';
import { MessagePage } from '../pages/message.tsx';
import { SIGN_IN_REASONS, SignInPage, type SignInReason } from '../pages/sign-in.tsx';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '../security/cookies.ts';
import { checkSameOrigin } from '../security/origin.ts';
import { verifyDashboardToken } from '../security/verify-token.ts';
import { requireSession } from './guard.tsx';

// Own keys only: `in` would also accept "toString" or "__proto__" from the query string.
const isReason = (value: string | undefined): value is SignInReason => value !== undefined && Object.hasOwn(SIGN_IN_REASONS, value);

/** How much of a refused token the sign-in page shows again in its field. */
const MAX_TOKEN_ECHO = 20_000;

export function signInRoutes(dash: Dashboard) {
  const { logger } = dash.deps;
  const app = new Hono<DashEnv>();

  app.get('/sign-in', (c) => {
    const shell = publicShell(c, dash);
    const reason = c.req.query('reason');
    const current = dash.sessions.read(readSessionCookie(c));
    return sendPage(
      c,
      <SignInPage
        shell={shell}
        reason={isReason(reason) ? reason : undefined}
        next={safeDashboardPath(c.req.query('next'), shell.paths.base)}
        signedInAs={current.ok ? current.session : undefined}
      />,
    );
  });

  app.post('/sign-in', async (c) => {
    const shell = publicShell(c, dash);
    const paths = shell.paths;
    const origin = checkSameOrigin(c);
    if (!origin.ok) {
      logger.warn('Dashboard sign-in refused: cross-origin request', { why: origin.why });
      return sendPage(
        c,
        <MessagePage shell={shell} title="Sign-in refused" tone="error" auth actions={[{ href: paths.signIn, label: 'Go to the sign-in page' }]}>
          <p>This sign-in did not come from the dashboard's own sign-in page, so it was ignored. Open the sign-in page and try again.</p>
        </MessagePage>,
        403,
      );
    }
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      form = {};
    }
    const next = safeDashboardPath(form.next, paths.base);
    const verdict = await verifyDashboardToken(typeof form.token === 'string' ? form.token : '', dash.deps.jwtSecret!, dash.deps.maxTokenLifetimeSeconds); // sign-in is only served with the built-in secret (routes.ts)
    if (!verdict.ok && verdict.status === 403) {
      logger.warn('Dashboard sign-in refused: role not allowed', { sub: verdict.claims.sub, role: verdict.claims.role });
      return sendPage(
        c,
        <MessagePage
          shell={shell}
          title="The dashboard is for owners and admins"
          tone="warn"
          auth
          // Keep the page first asked for, so signing in with an admin token still lands there.
          actions={[{ href: `${paths.signIn}${queryString({ next })}`, label: 'Use a different token' }]}
        >
          <p>
            You are <strong>{verdict.claims.sub}</strong> with the <strong>{verdict.claims.role}</strong> role. The dashboard can run, enqueue, cancel and retry
            jobs, so it only lets owners and admins in.
          </p>
          <p>
            If you run this server, make an admin token with <code>npm run token -- --role admin</code>; otherwise ask whoever does.
          </p>
        </MessagePage>,
        403,
      );
    }
    if (!verdict.ok) {
      logger.warn('Dashboard sign-in refused', { why: verdict.message });
      // Keep what was pasted (capped: a token and the output around it are a few hundred characters).
      const pasted = typeof form.token === 'string' ? form.token.slice(0, MAX_TOKEN_ECHO) : undefined;
      return sendPage(c, <SignInPage shell={shell} error={verdict.message} token={pasted} next={next} />, 401);
    }
    // The session ends when its token would have: a 30-second token does not open an 8-hour session.
    const { session, cookie } = dash.sessions.issue({ sub: verdict.claims.sub, role: verdict.claims.role, notAfter: verdict.claims.exp * 1000 });
    setSessionCookie(c, cookie, session);
    logger.info('Dashboard sign-in', { sub: session.sub, role: session.role, expiresAt: new Date(session.exp).toISOString() });
    return c.redirect(next ?? paths.overview, 303);
  });

  // Sign-out changes state, so it needs the session's CSRF token like any other action.
  app.post('/sign-out', requireSession(dash), (c) => {
    const session = c.get('session')!;
    dash.sessions.revoke(session);
    clearSessionCookie(c);
    logger.info('Dashboard sign-out', { sub: session.sub });
    return c.redirect(`${pathsOf(c).signIn}${queryString({ reason: 'signed-out' })}`, 303);
  });

  return app;
}
