/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Sign-in: paste a token from `npm run token` (or open the link it prints: the script fills the
// form from the #token= fragment, which never reaches the server's logs, and submits it).
import type { Session } from '../security/session.ts';
import { Layout, type Shell } from '../views/layout.tsx';

export const SIGN_IN_REASONS = {
  required: { tone: 'info', text: 'Sign in to open the dashboard. It needs an owner or admin token.' },
  expired: { tone: 'warn', text: 'Your session expired. Sign in again to continue.' },
  ended: { tone: 'warn', text: 'Your session ended. Sign in again to continue.' },
  invalid: { tone: 'warn', text: 'Your session is no longer valid (the server secret may have changed). Sign in again.' },
  'signed-out': { tone: 'info', text: 'You are signed out.' },
} as const;
export type SignInReason = keyof typeof SIGN_IN_REASONS;

export function SignInPage(props: {
  shell: Shell;
  reason?: SignInReason;
  error?: string;
  /** What was pasted, kept after a failed sign-in so it can be fixed rather than pasted again. */
  token?: string;
  next?: string;
  signedInAs?: Session;
}) {
  const paths = props.shell.paths;
  const notice = props.reason ? SIGN_IN_REASONS[props.reason] : undefined;
  return (
    <Layout shell={props.shell} title="Sign in" section="none" bodyClass="auth-page">
      <section class="auth-card" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Nightshift</h1>
        <p class="auth-lead">Watch scheduled runs, the queue and failures live, and run, enqueue, cancel or retry jobs.</p>
        {notice ? (
          <p class={`notice notice-${notice.tone}`} role="status" id="sign-in-notice">
            {notice.text}
          </p>
        ) : null}
        {props.signedInAs ? (
          <p class="notice notice-info">
            You are signed in as <strong>{props.signedInAs.sub}</strong> ({props.signedInAs.role}).{' '}
            <a href={paths.overview}>Go to the dashboard</a>
          </p>
        ) : null}
        <form method="post" action={paths.signIn} id="sign-in-form" class="auth-form">
          {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
          <div class="field">
            <label for="token">Access token</label>
            {/* One line, so Enter signs in. Pasting the whole output of `npm run token` still works: the
                browser joins its lines, and the server picks the token out of the link in it. */}
            <input
              type="text"
              id="token"
              name="token"
              required
              // Only ever re-rendered into this POST form's field (escaped; the page is no-store), never into a URL.
              value={props.token}
              spellcheck={false}
              autocomplete="off"
              autocapitalize="off"
              class="code-input"
              aria-invalid={props.error ? 'true' : undefined}
              aria-describedby={props.error ? 'token-error token-help' : 'token-help'}
            />
            {props.error ? (
              <p class="field-error" id="token-error" role="alert">
                {props.error}
              </p>
            ) : null}
          </div>
          <button type="submit" class="button button-wide">
            Sign in
          </button>
        </form>
        <div class="auth-help" id="token-help">
          <p>Get a token on the machine that runs Nightshift:</p>
          <pre class="code code-small">
            <code>npm run token</code>
          </pre>
          <p>
            It prints a sign-in link that opens this page and signs you in; or paste the token (or all of the output) above and press Enter. Tokens are for the <strong>owner</strong> or{' '}
            <strong>admin</strong> role; the session lasts a few hours, then you sign in again.
          </p>
        </div>
      </section>
    </Layout>
  );
}
