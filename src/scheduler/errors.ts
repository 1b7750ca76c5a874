export class UnknownJobError extends Error {
  constructor(readonly jobName: string) {
    super(`Unknown job "${jobName}"`);
  }
}

export class JobAlreadyRunningError extends Error {
  constructor(
    readonly jobName: string,
    readonly runningRunId: string,
  ) {
    super(`Job "${jobName}" is already running`);
  }
}

export class JobsDisabledError extends Error {
  constructor() {
    super('Jobs are disabled (JOBS_ENABLED=false)');
  }
}

export class SchedulerNotRunningError extends Error {
  constructor() {
    super('The job scheduler is starting or has stopped; try again shortly');
  }
}
