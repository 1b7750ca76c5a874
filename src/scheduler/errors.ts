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
