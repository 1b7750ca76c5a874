// Who owns a lease or a running row: "<hostname>:<pid>:<instance>". Liveness can be checked for
// owners on this host (is the pid alive? is the instance still live in this process?); owners on
// other hosts are assumed alive, and only their lease expiry frees what they hold.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

// Instances (schedulers, queue runners) alive in this process. It is the in-process half of the
// "one scheduler per database" guard: a second instance in the same process sees the first as live.
const liveInstances = new Set<string>();

export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function markLive(owner: string): void {
  liveInstances.add(owner);
}

export function markStopped(owner: string): void {
  liveInstances.delete(owner);
}

export function parseOwner(owner: string): { host: string; pid: number; instance: string } | null {
  const match = /^(.*):(\d+):([\w-]+)$/.exec(owner);
  return match ? { host: match[1]!, pid: Number(match[2]), instance: match[3]! } : null;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isOwnerGone(owner: string | null): boolean {
  if (owner === null) return true;
  const parsed = parseOwner(owner);
  if (!parsed) return true;
  if (parsed.host !== hostname()) return false;
  if (parsed.pid === process.pid) return !liveInstances.has(owner);
  return !isProcessAlive(parsed.pid);
}
