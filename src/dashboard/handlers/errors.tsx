/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The dashboard's answer to an unexpected error: an HTML page (logged with its trace id), never a
// stack trace and never the API's JSON.
import type { Context } from 'hono';
import { publicShell, sendPage, shellFor, type DashContext, type Dashboard } from '../context.ts';
import { MessagePage } from '../pages/message.tsx';

export function errorPage(dash: Dashboard) {
  return (err: Error, c: Context) => {
    const dc = c as DashContext;
    const traceId = dc.get('traceId');
    dash.deps.logger.error('Dashboard request failed', { method: c.req.method, path: c.req.path, err: err.message, stack: err.stack, traceId });
    const shell = dc.get('principal') ? shellFor(dc, dash) : publicShell(c, dash);
    return sendPage(
      c,
      <MessagePage shell={shell} title="Something went wrong" tone="error">
        <p>The server could not show this page. Nothing more is shown here; the error is in the server's log{traceId ? ` (trace id ${traceId})` : ''}.</p>
      </MessagePage>,
      500,
    );
  };
}
