/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Everything past sign-in goes through here. Who is asking comes from the host app's authorize hook
// when the dashboard was given one (asked on every request: there is no session here), else from a
// valid session cookie (or the sign-in page, with the reason). Every POST then needs a CSRF token
// and a same-origin request, and an admin: viewers may look but not act.
import { createMiddleware } from 'hono/factory';
import { canAct, principalFromHost, type AuthPrincipal } from '../../http/auth/principal.ts';
import { isLiveRequest, pathsOf, publicShell, sendPage, type DashContext, type DashEnv, type Dashboard } from '../context.ts';
import { queryString, safeDashboardPath } from '../paths.ts';
import { MessagePage } from '../pages/message.tsx';
import { clearSessionCookie, readSessionCookie } from '../security/cookies.ts';
import { checkSameOrigin } from '../security/origin.ts';

const CSRF_HEADER = 'x-csrf-token';

/** The CSRF token from the X-CSRF-Token header, else the form's _csrf field. */
async function submittedCsrf(c: DashContext): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return undefined;
  try {
    const body = await c.req.parseBody();
    return typeof body._csrf === 'string' ? body._csrf : undefined;
  } catch {
    return undefined;
  }
}

const isStateChanging = (c: DashContext) => c.req.method !== 'GET' && c.req.method !== 'HEAD';

/** Who the host says this is, or the 401 answer when it grants nothing. */
async function hostPrincipal(c: DashContext, dash: Dashboard): Promise<AuthPrincipal | Response> {
  const principal = await principalFromHost(dash.authorize!, c);
  if (principal) return principal;
  // The page's script says "no longer signed in" and stops refreshing.
  if (isLiveRequest(c)) return c.text('denied', 401, { 'X-Nightshift-Session': 'denied' });
  return sendPage(
    c,
    <MessagePage shell={publicShell(c, dash)} title="No access to the dashboard" tone="warn" auth actions={[]}>
      <p>The application this dashboard is part of did not grant you access to it. Sign in to that application, or ask its administrators for access, then reload this page.</p>
    </MessagePage>,
    401,
  );
}

/** Who the session cookie says this is, or the way to the sign-in page. */
function sessionPrincipal(c: DashContext, dash: Dashboard): AuthPrincipal | Response {
  const result = dash.sessions.read(readSessionCookie(c));
  if (!result.ok) {
    if (result.reason !== 'missing') clearSessionCookie(c);
    const reason = result.reason === 'missing' ? 'required' : result.reason;
    if (isLiveRequest(c)) {
      // The page's script shows "session expired, sign in again" instead of swapping in a sign-in page.
      return c.text(reason, 401, { 'X-Nightshift-Session': reason });
    }
    const paths = pathsOf(c);
    const url = new URL(c.req.url);
    const back = c.req.method === 'GET' ? safeDashboardPath(url.pathname + url.search, paths.base) : undefined;
    return c.redirect(`${paths.signIn}${queryString({ reason, next: back && back !== paths.overview ? back : undefined })}`, 303);
  }
  const session = result.session;
  c.set('session', session);
  c.set('csrf', dash.sessions.csrfToken(session));
  // Sessions are only issued to owners and admins (see sign-in.tsx).
  return { role: 'admin', actor: session.sub, via: 'jwt' };
}

function csrfOk(c: DashContext, dash: Dashboard, principal: AuthPrincipal, token: string | undefined): boolean {
  const session = c.get('session');
  return principal.via === 'host' ? dash.hostCsrf.check(principal, token) : session !== undefined && dash.sessions.checkCsrf(session, token);
}

export function requireSession(dash: Dashboard) {
  return createMiddleware<DashEnv>(async (c, next) => {
    const found = dash.authorize ? await hostPrincipal(c, dash) : sessionPrincipal(c, dash);
    if (found instanceof Response) return found;
    const principal = found;
    c.set('principal', principal);
    if (principal.via === 'host') c.set('csrf', dash.hostCsrf.tokenFor(principal));

    if (isStateChanging(c)) {
      const origin = checkSameOrigin(c);
      const tokenOk = csrfOk(c, dash, principal, await submittedCsrf(c));
      const refuse = (title: string, text: string) =>
        sendPage(
          c,
          <MessagePage shell={{ ...publicShell(c, dash), principal, session: c.get('session'), csrf: c.get('csrf') }} title={title} tone="error">
            <p>{text}</p>
          </MessagePage>,
          403,
        );
      if (!origin.ok || !tokenOk) {
        dash.deps.logger.warn('Dashboard request refused by the CSRF check', {
          method: c.req.method,
          path: c.req.path,
          sub: principal.actor,
          why: origin.ok ? 'missing or wrong CSRF token' : origin.why,
        });
        return refuse(
          'This action was refused',
          `${origin.ok
            ? 'The form was missing its security token or the token belongs to another session (a page left open across a sign-in, perhaps).'
            : 'The request did not come from a page of this dashboard.'} Nothing was changed. Reload the page and try again.`,
        );
      }
      if (!canAct(principal)) {
        dash.deps.logger.warn('Dashboard action refused: viewer', { method: c.req.method, path: c.req.path, sub: principal.actor });
        return refuse('Viewers cannot change anything', 'You can look at the dashboard, but running, enqueueing, cancelling and retrying jobs needs an admin. Nothing was changed.');
      }
    }
    await next();
  });
}
