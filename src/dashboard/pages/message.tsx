/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Full-page messages: refusals (staff token, failed CSRF check), not found, server errors. Never an
// empty screen: each says what happened and where to go next.
import type { Child } from 'hono/jsx';
import { Layout, type Shell } from '../views/layout.tsx';

export function MessagePage(props: {
  shell: Shell;
  title: string;
  tone: 'error' | 'warn' | 'info';
  children: Child;
  actions?: { href: string; label: string }[];
  /** Refusals before sign-in use the centred sign-in look. */
  auth?: boolean;
}) {
  const paths = props.shell.paths;
  const actions = props.actions ?? [{ href: paths.overview, label: 'Back to the overview' }];
  return (
    <Layout shell={props.shell} title={props.title} section="none" bodyClass={props.auth ? 'auth-page' : undefined}>
      <section class={props.auth ? 'auth-card' : 'panel message-panel'} aria-labelledby="message-title">
        <div class={`message-icon message-${props.tone}`} aria-hidden="true">
          {props.tone === 'info' ? 'i' : '!'}
        </div>
        <h1 id="message-title">{props.title}</h1>
        <div class="message-body">{props.children}</div>
        <p class="button-row">
          {actions.map((a, i) => (
            <a class={i === 0 ? 'button' : 'button button-ghost'} href={a.href}>
              {a.label}
            </a>
          ))}
        </p>
      </section>
    </Layout>
  );
}
