// HttpClient: the CLI talking to a running server (--url) through its admin API, with a Bearer
// token. Answers are the API's own JSON; its errors become CliErrors with the exit codes of
// src/cli/errors.ts (401/403 and network failures: 5, 404: 3, 409 and 503: 4, 400: 2).
import { QUEUE_STATUSES, type QueueCounts, type QueueJob } from '../../queue/types.ts';
import type { JobRun } from '../../runs/types.ts';
import { CliError, EXIT, conflictError, notFoundError, unreachableError, usageError } from '../errors.ts';
import type { Client, EnqueueRequest, JobFilter, JobList, ProgressView, RunFilter, StartedRun, StatusView } from './types.ts';

export interface HttpClientOptions {
  /** The app's address. */
  url: string;
  /** Where the app mounts ns.routes(): '' or e.g. '/admin/jobs'; every API path goes below it. */
  basePath?: string;
  token: string;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
}

type Json = Record<string, any>;

export class HttpClient implements Client {
  readonly mode = 'remote' as const;
  readonly pollMs = 500;
  readonly target: string;

  constructor(private readonly options: HttpClientOptions) {
    this.target = options.url.replace(/\/+$/, '') + (options.basePath ?? '').replace(/\/+$/, '');
  }

  private async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    let response: Response;
    try {
      response = await fetch(this.target + path, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw unreachableError(`Cannot reach ${this.target}: ${networkReason(err)}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object') {
      throw unreachableError(`${this.target} did not answer like a Nightshift server (HTTP ${response.status} to ${method} ${path})`, 'NOT_NIGHTSHIFT');
    }
    if (!response.ok) throw errorFor(response.status, parsed as Json);
    return { status: response.status, body: parsed as Json };
  }

  private async get<T>(path: string): Promise<T> {
    return (await this.request('GET', path)).body as T;
  }

  async status(): Promise<StatusView> {
    const [status, queue] = await Promise.all([this.get<Json>('/api/jobs/status'), this.queueCounts()]);
    return {
      mode: 'remote',
      target: this.target,
      scheduler: {
        enabled: status.enabled,
        // The server may itself stand by while another process holds the lease: the lease says
        // whether cron jobs fire on this database at all.
        running: status.leaseHolder ? Date.parse(status.leaseHolder.expiresAt) > Date.now() : status.running,
        timezone: status.timezone,
        leaseHolder: status.leaseHolder ?? null,
      },
      queue,
      jobs: status.jobs,
    };
  }

  async queueCounts(): Promise<QueueCounts> {
    // The API has no counts endpoint; a one-row page per status carries the total.
    const totals = await Promise.all(QUEUE_STATUSES.map((s) => this.get<JobList>(`/api/v1/jobs?status=${s}&limit=1`)));
    return Object.fromEntries(QUEUE_STATUSES.map((s, i) => [s, totals[i]!.total])) as QueueCounts;
  }

  async processingCount(): Promise<number> {
    return (await this.get<JobList>('/api/v1/jobs?status=processing&limit=1')).total;
  }

  async listRuns(filter: RunFilter): Promise<JobRun[]> {
    const query = queryString({ limit: filter.limit, offset: filter.offset, name: filter.name, status: filter.status, trigger: filter.trigger });
    return (await this.get<{ runs: JobRun[] }>(`/api/jobs/runs?${query}`)).runs;
  }

  async getRun(id: string): Promise<JobRun> {
    const answer = await this.get<{ run: JobRun }>(`/api/jobs/runs/${encodeURIComponent(id)}`).catch(naming('Run', id));
    return answer.run;
  }

  listJobs(filter: JobFilter): Promise<JobList> {
    return this.get<JobList>(`/api/v1/jobs?${queryString({ ...filter })}`);
  }

  getJob(id: string): Promise<QueueJob> {
    return this.get<QueueJob>(`/api/v1/jobs/${encodeURIComponent(id)}`).catch(naming('Job', id));
  }

  progress(id: string): Promise<ProgressView> {
    return this.get<ProgressView>(`/api/v1/jobs/${encodeURIComponent(id)}/progress`).catch(naming('Job', id));
  }

  async enqueue(request: EnqueueRequest) {
    const { status, body } = await this.request('POST', '/api/v1/jobs', request);
    return { job: body as QueueJob, created: status === 201 };
  }

  async cancel(id: string) {
    const { body } = await this.request('DELETE', `/api/v1/jobs/${encodeURIComponent(id)}`).catch(naming('Job', id, (status) => `is already ${status}`));
    return body as Awaited<ReturnType<Client['cancel']>>;
  }

  async retry(id: string) {
    const { body } = await this.request('POST', `/api/v1/jobs/${encodeURIComponent(id)}/retry`).catch(
      naming('Job', id, (status) => `is ${status}; only failed or cancelled jobs can be retried`),
    );
    return { outcome: 'retried' as const, job: body as QueueJob };
  }

  async startRun(name: string): Promise<StartedRun> {
    try {
      // wait=false: the server answers 202 at once and the CLI follows the run itself.
      const { body } = await this.request('POST', `/api/jobs/run/${encodeURIComponent(name)}?wait=false`);
      return { job: name, runId: body.runId };
    } catch (err) {
      if (err instanceof CliError && err.code === 'JOB_NOT_FOUND') throw notFoundError(`"${name}" is not a scheduled job`, 'NOT_A_SCHEDULED_JOB');
      if (err instanceof CliError && err.exitCode === EXIT.conflict && err.code === 'CONFLICT') {
        throw conflictError(`${err.message} (run ${err.extra.runId})`, 'ALREADY_RUNNING', { runId: err.extra.runId });
      }
      throw err;
    }
  }

  async close(): Promise<void> {}
}

/**
 * The API says "Job not found" or "Job is already completed"; the CLI names the id, as local mode
 * does, since a script's log line may be all someone sees.
 */
function naming(kind: 'Job' | 'Run', id: string, conflict?: (status: string) => string) {
  return (err: unknown): never => {
    if (err instanceof CliError && err.exitCode === EXIT.notFound) throw notFoundError(`${kind} ${id} not found`, err.code, err.extra);
    if (err instanceof CliError && err.exitCode === EXIT.conflict && conflict && typeof err.extra.status === 'string') {
      throw conflictError(`${kind} ${id} ${conflict(err.extra.status)}`, err.code, err.extra);
    }
    throw err;
  };
}

function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  return search.toString();
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/** An API error answer ({error, code, ...}) as the CLI error with the matching exit code. */
export function errorFor(status: number, body: Json): CliError {
  const { error, code: serverCode, ...extra } = body;
  const message = typeof error === 'string' ? error : `HTTP ${status}`;
  const code = typeof serverCode === 'string' ? serverCode : `HTTP_${status}`;
  if (status === 401) return unreachableError(`The server refused the token (401): ${message}`, code);
  if (status === 403) return unreachableError(`The server refused the token (403): ${message}; this needs an owner or admin token`, code);
  if (code === 'UNKNOWN_JOB_TYPE') return notFoundError(message, code, extra);
  if (status === 404) return notFoundError(message, code, extra);
  if (status === 409 || status === 503) return conflictError(message, code, extra);
  if (status >= 400 && status < 500) return usageError(message, code, extra);
  return new CliError(EXIT.failed, `Server error (HTTP ${status}): ${message}`, code, extra);
}
