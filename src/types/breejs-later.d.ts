// The parts of @breejs/later (Bree's cron engine) that Nightshift uses.
declare module '@breejs/later' {
  namespace later {
    interface ScheduleData {
      schedules: Record<string, number[]>[];
      exceptions: Record<string, number[]>[];
    }
    interface Schedule {
      next(count: number, start?: Date): Date | Date[] | 0;
      prev(count: number, start?: Date): Date | Date[] | 0;
    }
  }
  const later: {
    parse: { cron(expr: string, hasSeconds?: boolean): later.ScheduleData };
    schedule(data: later.ScheduleData): later.Schedule;
  };
  export default later;
}
