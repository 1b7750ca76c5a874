// How much CPU the rest of the machine used while a section ran: busy time from /proc/stat minus
// this process and its reaped children (/proc/self/stat). Kernel work done on our behalf (I/O
// writeback, kworkers) lands in "others" too, so read it as an upper bound on outside disturbance.
import { readFileSync } from 'node:fs';

const HZ = 100; // USER_HZ on Linux

interface Snapshot {
  at: number;
  busy: number;
  self: number;
}

function snapshot(): Snapshot {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = fields.map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = n[0]! + n[1]! + n[2]! + n[5]! + n[6]! + (n[7] ?? 0);
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  // Fields 14-17 (utime stime cutime cstime) are indexes 11-14 after the ") " split.
  const self = after[11]! + after[12]! + after[13]! + after[14]!;
  return { at: performance.now(), busy, self };
}

export interface CpuReport {
  wallS: number;
  totalBusyS: number;
  oursS: number;
  othersS: number;
}

export function cpuMeter(): () => CpuReport {
  const start = snapshot();
  return () => {
    const end = snapshot();
    const totalBusyS = (end.busy - start.busy) / HZ;
    const oursS = (end.self - start.self) / HZ;
    return { wallS: (end.at - start.at) / 1000, totalBusyS, oursS, othersS: Math.max(0, totalBusyS - oursS) };
  };
}
