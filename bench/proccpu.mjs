// CPU time from Linux's /proc: how long the threads of Chromium's process tree have run on a CPU, in ns, from
// each thread's /proc/<pid>/task/<tid>/schedstat (its first field). Unlike wall time, this does not grow while a
// thread waits for a CPU that other work on a shared machine holds, so a run's CPU time is a steadier measure of
// what it cost than its duration. Threads that exit between two readings take their time with them; Chromium's
// threads that do the work of a stream (main, IO, network) live as long as their process.
import { readdirSync, readFileSync } from 'node:fs'
import { descendants } from './procmem.mjs'

function threadsOf(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`)
  } catch {
    return [] // the process has exited meanwhile
  }
}

function runNs(pid, tid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) || 0
  } catch {
    return 0
  }
}

/** Milliseconds of CPU time used so far by every thread of `rootPid` and its descendants; NaN without a pid. */
export function cpuTimeMs(rootPid) {
  if (!rootPid) return NaN
  let ns = 0
  for (const pid of descendants(rootPid)) for (const tid of threadsOf(pid)) ns += runNs(pid, tid)
  return ns / 1e6
}
