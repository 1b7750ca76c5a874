// The job types a Queue or QueueRunner knows: every loaded job file, by name, with its queue options.
// A Nightshift's Queue and QueueRunner share one registry, so a type added after start (ns.register)
// is accepted by enqueue and claimed by the runner from the same moment.
import type { LoadedJob } from '../jobs/load.ts';
import { queueOptionsOf, type QueueTypeOptions } from './define.ts';
import { UnknownJobTypeError } from './errors.ts';

export interface JobType extends QueueTypeOptions {
  name: string;
  job: LoadedJob;
}

/** A second job with a name already taken (at load, or by ns.register after start). */
export class DuplicateJobError extends Error {
  readonly code = 'DUPLICATE_JOB';
  constructor(
    readonly jobName: string,
    readonly file: string,
    readonly existingFile: string,
  ) {
    super(`Job "${jobName}" is already registered (from ${existingFile}); ${file} declares the same name`);
    this.name = 'DuplicateJobError';
  }
}

export class JobTypes {
  private readonly byName = new Map<string, JobType>();
  // Derived views, rebuilt on add(): every claim round asks for them.
  private cappedTypes: readonly JobType[] = [];
  private typeNames: readonly string[] = [];
  private capsByName: ReadonlyMap<string, number> = new Map();
  /** Bumped by add(): what is built from the types (the OpenAPI document) is rebuilt when it changes. */
  private changes = 0;

  constructor(jobs: readonly LoadedJob[]) {
    for (const job of jobs) this.insert(job);
    this.derive();
  }

  /** Adds a type (ns.register after start). Throws DuplicateJobError for a name already known. */
  add(job: LoadedJob): JobType {
    const type = this.insert(job);
    this.derive();
    this.changes += 1;
    return type;
  }

  private insert(job: LoadedJob): JobType {
    const name = job.definition.name;
    const existing = this.byName.get(name);
    if (existing) throw new DuplicateJobError(name, job.file, existing.job.file);
    const type = { name, job, ...queueOptionsOf(job.definition, job.timeoutMs) };
    this.byName.set(name, type);
    return type;
  }

  private derive(): void {
    this.cappedTypes = this.all().filter((t) => t.concurrency !== undefined);
    this.capsByName = new Map(this.cappedTypes.map((t) => [t.name, t.concurrency!]));
    this.typeNames = [...this.byName.keys()];
  }

  /** How many types were added since construction (a cache key for views of the types). */
  get version(): number {
    return this.changes;
  }

  /** Every type's name (the types a runner claims). */
  names(): readonly string[] {
    return this.typeNames;
  }

  get(name: string): JobType | undefined {
    return this.byName.get(name);
  }

  require(name: string): JobType {
    const type = this.byName.get(name);
    if (!type) throw new UnknownJobTypeError(name);
    return type;
  }

  all(): JobType[] {
    return [...this.byName.values()];
  }

  /** Types with a cluster-wide concurrency cap (the claim has to count their running jobs). */
  capped(): readonly JobType[] {
    return this.cappedTypes;
  }

  /** The cap of each capped type, by name. */
  caps(): ReadonlyMap<string, number> {
    return this.capsByName;
  }
}

// Queue and enqueue() take the same LoadedJob[] many times over; build the registry once per array.
const cache = new WeakMap<readonly LoadedJob[], JobTypes>();
export function jobTypesFor(jobs: readonly LoadedJob[] | JobTypes): JobTypes {
  if (jobs instanceof JobTypes) return jobs;
  let types = cache.get(jobs);
  if (!types) cache.set(jobs, (types = new JobTypes(jobs)));
  return types;
}
