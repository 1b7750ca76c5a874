/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Everything past sign-in goes through here: a valid session cookie or the sign-in page (with the
// reason), and for every POST the CSRF token of this session plus a same-origin check.
import { createMiddleware } from 'hono/factory';
import { isLiveRequest, sendPage, type DashContext, type DashEnv, type Dashboard } from '../context.ts';
import { dashboardPaths, queryString, safeDashboardPath } from '../paths.ts';
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

export function requireSession(dash: Dashboard) {
  return createMiddleware<DashEnv>(async (c, next) => {
    const result = dash.sessions.read(readSessionCookie(c));
    if (!result.ok) {
      if (result.reason !== 'missing') clearSessionCookie(c);
      const reason = result.reason === 'missing' ? 'required' : result.reason;
      if (isLiveRequest(c)) {
        // The page's script shows "session expired, sign in again" instead of swapping in a sign-in page.
        return c.text(reason, 401, { 'X-Nightshift-Session': reason });
      }
      const url = new URL(c.req.url);
      const back = c.req.method === 'GET' ? safeDashboardPath(url.pathname + url.search) : undefined;
      return c.redirect(`${dashboardPaths.signIn}${queryString({ reason, next: back && back !== dashboardPaths.overview ? back : undefined })}`, 303);
    }
    const session = result.session;
    c.set('session', session);
    c.set('csrf', dash.sessions.csrfToken(session));

    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = checkSameOrigin(c);
      const tokenOk = dash.sessions.checkCsrf(session, await submittedCsrf(c));
      if (!origin.ok || !tokenOk) {
        dash.deps.logger.warn('Dashboard request refused by the CSRF check', {
          method: c.req.method,
          path: c.req.path,
          sub: session.sub,
          why: origin.ok ? 'missing or wrong CSRF token' : origin.why,
        });
        return sendPage(
          c,
          <MessagePage shell={{ assets: dash.assets, session, csrf: c.get('csrf') }} title="This action was refused" tone="error">
            <p>
              {origin.ok
                ? 'The form was missing its security token or the token belongs to another session (a page left open across a sign-in, perhaps).'
                : 'The request did not come from a page of this dashboard.'}{' '}
              Nothing was changed. Reload the page and try again.
            </p>
          </MessagePage>,
          403,
        );
      }
    }
    await next();
  });
}
