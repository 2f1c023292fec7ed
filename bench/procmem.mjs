// Process memory from Linux's /proc: the Chromium process tree split by process type, and one process's memory.
// Three views per process, from smaps_rollup: RSS (resident pages, shared ones included), PSS (shared pages split
// among the processes that map them) and USS (private pages only). PSS moves whenever ANY process on the machine
// maps or unmaps the same library pages (another Chromium, say), so deltas on a shared machine use USS and RSS.
import { readdirSync, readFileSync } from 'node:fs'

function read(file) {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined // the process has exited meanwhile
  }
}

/** `{rss, pss, uss}` in bytes of one process, from /proc/<pid>/smaps_rollup; NaN where it cannot be read. */
export function memoryOf(pid) {
  const rollup = read(`/proc/${pid}/smaps_rollup`) || ''
  const field = (name) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)
    return match ? Number(match[1]) * 1024 : NaN
  }
  return { rss: field('Rss'), pss: field('Pss'), uss: field('Private_Clean') + field('Private_Dirty') }
}

/** The process ids under `root` (itself included), from the parent ids in /proc/<pid>/stat. */
export function descendants(root) {
  const children = new Map()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const stat = read(`/proc/${name}/stat`)
    if (!stat) continue
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (!children.has(ppid)) children.set(ppid, [])
    children.get(ppid).push(Number(name))
  }
  const found = []
  const queue = [root]
  while (queue.length && found.length < 10_000) {
    const pid = queue.shift()
    found.push(pid)
    queue.push(...(children.get(pid) || []))
  }
  return found
}

/** Chromium's kind of process from its command line: `renderer`, `network` (the network service), `browser`, … */
function kindOf(pid) {
  // Processes forked from Chromium's zygote rewrite their title: one string of space-separated arguments.
  const args = (read(`/proc/${pid}/cmdline`) || '').split(/[\0 ]/)
  const type = args.find((arg) => arg.startsWith('--type='))
  if (!type) return 'browser'
  if (args.some((arg) => arg.includes('NetworkService'))) return 'network'
  return type.slice('--type='.length)
}

/**
 * Chromium's processes with their memory: `[{pid, kind, rss, pss, uss}]`. Processes come and go (spare renderers,
 * helper utilities), so compare two readings process by process, over the pids present in both.
 * Processes that exit while being read are left out.
 */
export function chromiumProcesses(rootPid) {
  const found = []
  for (const pid of descendants(rootPid)) {
    const memory = memoryOf(pid)
    if (!Number.isNaN(memory.rss)) found.push({ pid, kind: kindOf(pid), ...memory })
  }
  return found
}
