// The job types a Queue or QueueRunner knows: every loaded job file, by name, with its queue options.
import type { LoadedJob } from '../jobs/load.ts';
import { queueOptionsOf, type QueueTypeOptions } from './define.ts';
import { UnknownJobTypeError } from './errors.ts';

export interface JobType extends QueueTypeOptions {
  name: string;
  job: LoadedJob;
}

export class JobTypes {
  private readonly byName = new Map<string, JobType>();
  /** Computed once: every claim round asks for them. */
  private readonly cappedTypes: readonly JobType[];
  private readonly typeNames: readonly string[];

  constructor(jobs: readonly LoadedJob[]) {
    for (const job of jobs) {
      const name = job.definition.name;
      if (this.byName.has(name)) throw new Error(`Job type "${name}" is loaded twice`);
      this.byName.set(name, { name, job, ...queueOptionsOf(job.definition, job.timeoutMs) });
    }
    this.cappedTypes = this.all().filter((t) => t.concurrency !== undefined);
    this.typeNames = [...this.byName.keys()];
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
}

// Queue and enqueue() take the same LoadedJob[] many times over; build the registry once per array.
const cache = new WeakMap<readonly LoadedJob[], JobTypes>();
export function jobTypesFor(jobs: readonly LoadedJob[] | JobTypes): JobTypes {
  if (jobs instanceof JobTypes) return jobs;
  let types = cache.get(jobs);
  if (!types) cache.set(jobs, (types = new JobTypes(jobs)));
  return types;
}
