/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The dashboard's answer to an unexpected error: an HTML page (logged with its trace id), never a
// stack trace and never the API's JSON.
import type { Context } from 'hono';
import { publicShell, sendPage, shellFor, type DashContext, type Dashboard } from '../context.ts';
import { MessagePage } from '../pages/message.tsx';
import { storageFullAnswer, storageFullLog } from '../../http/errors.ts';

export function errorPage(dash: Dashboard) {
  const logStorageFull = storageFullLog(dash.deps.logger);
  return (err: Error, c: Context) => {
    const dc = c as DashContext;
    const traceId = dc.get('traceId');
    const full = storageFullAnswer(err);
    if (full) {
      // The operator's to fix, not a bug: no stack, and the page says what happened.
      logStorageFull({ method: c.req.method, path: c.req.path, driverCode: full.driverCode, traceId });
      const shell = dc.get('principal') ? shellFor(dc, dash) : publicShell(c, dash);
      return sendPage(
        c,
        <MessagePage shell={shell} title="Storage full" tone="error">
          <p>The database's disk has no space left, so nothing was saved. Try again once space has been freed.</p>
        </MessagePage>,
        507,
      );
    }
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
