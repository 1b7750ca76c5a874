// The help texts: `nightshift --help` and `nightshift <command> --help` (or `nightshift help <command>`).

export const USAGE = `Usage: nightshift <command> [options]

Commands:
  status                         scheduler, queue counts and every scheduled job (last and next run)
  jobs [--status S] [--type T] [--limit N] [--offset N]
                                 queue jobs, newest first
  job <id>                       one queue job: payload, progress, attempts, result, error log
  runs [--job NAME] [--status S] [--trigger T] [--limit N] [--offset N]
                                 run history (job_runs), newest first
  run <name> [--data JSON]       run a scheduled job now, or enqueue a queue job, and wait for the
                                 result with a progress display
  enqueue <type> [--data JSON]   put a job on the queue and return at once
  cancel <id>                    cancel a pending or running queue job
  retry <id>                     send a failed or cancelled queue job back to pending
  token [--role R] [--ttl S] [--sub ID]
                                 print a JWT (and, for owner or admin, a dashboard sign-in link)
                                 signed with the app's secret

Configuration (flags > env > nightshift.config.json > defaults):
  The app's settings come from the nearest nightshift.config.json at or above the current folder
  ({"database": "data/nightshift.db", "jobs": "jobs", "url": "https://app.example.com",
  "basePath": "/admin/jobs"}; paths relative to the file's folder), overridden by NIGHTSHIFT_DATABASE,
  NIGHTSHIFT_JOBS, NIGHTSHIFT_PUBLIC_URL, NIGHTSHIFT_BASE_PATH, NIGHTSHIFT_DASHBOARD_PATH,
  NIGHTSHIFT_JWT_SECRET... (relative to the current folder). Nothing inside node_modules is used.

Where it works:
  By default on the app's database file. No server needs to be running, except for queue jobs to be
  processed.
  --url URL (or NIGHTSHIFT_URL) talks to the running app instead, at URL + basePath, with --token or
  NIGHTSHIFT_TOKEN (an owner or admin JWT). Without a token, for a server on this host (localhost,
  127.0.0.1), the CLI signs a 5-minute admin token itself with the app's secret; other hosts need
  --token (e.g. --token "$(nightshift token)" where the secret is).

Options for every command:
  --json        exactly one JSON document on stdout (errors too: {error, code, exitCode})
  --url URL     the running app, e.g. http://localhost:3000 (its routes at basePath below it)
  --token JWT   the token for --url
  --verbose     engine logs (job threads, runner) on stderr
  -h, --help    this help, or a command's: nightshift run --help

Exit codes:
  0  done (for run: the run or job succeeded)
  1  the run or job failed, was cancelled or abandoned
  2  usage error or invalid input (unknown option, bad JSON, data the job's schema rejects)
  3  not found (job, run, queue job or job type)
  4  conflict: already running, not cancellable or retryable, jobs disabled
  5  cannot reach the engine: server unreachable, token refused, no database file, no queue runner
  130 interrupted (Ctrl-C) while following a run

Errors go to stderr as one line (NIGHTSHIFT_DEBUG=1 adds stack traces).`;

const COMMAND_HELP: Record<string, string> = {
  status: `Usage: nightshift status [--json]

Whether a scheduler holds this database's lease (cron jobs fire), queue counts by status, and each
scheduled job with its cron in words, last run and next run.`,
  jobs: `Usage: nightshift jobs [--status pending|processing|completed|failed|cancelled] [--type NAME]
                     [--limit 1-500 (20)] [--offset N] [--json]

Queue jobs, newest first, with progress, attempts and the last error.`,
  job: `Usage: nightshift job <id> [--json]

One queue job: type, status, payload, envelope (trace id, tenant), attempts, progress, result and
error log. Exit 3 if there is no such job.`,
  runs: `Usage: nightshift runs [--job NAME] [--status running|success|failed|skipped|abandoned|cancelled]
                     [--trigger schedule|manual|catch-up|queue] [--limit 1-500 (20)] [--offset N] [--json]

The run history (job_runs): every scheduled, manual, catch-up and queue run, newest first.`,
  run: `Usage: nightshift run <name> [--data JSON|@file] [--run-at ISO-TIME] [--local-runner]
                     [--cancel-on-exit] [--runner-timeout SECONDS (5)] [--json]

A scheduled job (e.g. cleanupPreviewSessions) runs now as a manual run and the command waits for
its result. Locally it runs in a worker thread of this process, recorded in job_runs like any run;
a run already going anywhere on the database is refused (exit 4). With --url the server runs it.

Any other job name (or any name with --data or --run-at) is enqueued as a queue job (e.g.
exportRuns) and followed until it finishes, with a progress bar (processed/total, percentage,
elapsed time) on a terminal, plain lines otherwise. While the job is pending it says why, when it
can tell ("pending: due at <time>", "pending: waiting for a free worker (1 job processing)"). The
final line gives the run time, then the time spent in the queue before it ("completed in 350 ms
(waited 1m 49s in the queue, 1m 50s in all; ...)"). The progress display goes to stderr, the
result to stdout.

  --data JSON            the job's payload (@file reads it from a file)
  --run-at ISO-TIME      enqueue it (as a queue job, like --data) to run at that time
  --local-runner         no server running? process the job in this process (local mode only);
                         this runner takes only jobs of this type, and stops when yours is done
  --runner-timeout S     if no queue runner has picked the job up after S seconds while nothing
                         else is processing, give up with exit 5 (the job stays queued)
  --cancel-on-exit       Ctrl-C cancels the job; without it, Ctrl-C only stops following (exit
                         130) and the job keeps running. A scheduled run started locally runs in
                         this process, so Ctrl-C always cancels it.

Exit 0 when the run or job succeeded, 1 when it failed or was cancelled.`,
  enqueue: `Usage: nightshift enqueue <type> [--data JSON|@file] [--run-at ISO-TIME] [--priority N]
                     [--max-attempts N] [--idempotency-key KEY] [--json]

Validates the payload with the job's schema (exit 2 naming the field if it is rejected), stores the
job and prints its id; a repeated idempotency key returns the existing job.`,
  cancel: `Usage: nightshift cancel <id> [--json]

A pending job is cancelled at once; a running one is asked to stop (its ctx.signal aborts).
Exit 4 if the job has already finished, 3 if there is no such job.`,
  retry: `Usage: nightshift retry <id> [--json]

A failed or cancelled job goes back to pending with its attempts reset. Exit 4 for any other status.`,
  token: `Usage: nightshift token [--role owner|admin|staff (admin)] [--ttl SECONDS (3600)] [--sub ID] [--json]

Prints a JWT signed with the app's secret (NIGHTSHIFT_JWT_SECRET, or the file jwtSecretFile names,
default .jwt-secret beside the database; never created here), then, for owner and admin, a
dashboard sign-in link: <url><basePath><dashboardPath>/sign-in#token=..., url being --url, else the
configured public URL, else NIGHTSHIFT_URL, else http://localhost:PORT (default 3000). A staff token gets a note instead of a link: staff tokens can call staff-level API
routes only and cannot open the dashboard. That second line goes on stdout at a terminal, on stderr
when stdout is captured, so TOKEN=$(nightshift token) gets the token alone. Same as npm run token.

The secret must be the one the app passes to ns.routes({ jwtSecret }), or the server refuses the
token.`,
  help: `Usage: nightshift help [command]`,
};

export function helpFor(command: string | undefined): string {
  return (command && COMMAND_HELP[command]) || USAGE;
}
