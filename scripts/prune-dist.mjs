#!/usr/bin/env node
// Keeps dist/ to what the latest build wrote, without emptying it first: `mark` before the build notes the time,
// `prune` after it deletes every file older than the mark (a chunk whose hash changed, a declaration of a module
// that is gone). Rollup and tsc rewrite all their outputs on every build, so nothing current is older. dist/ stays
// in place during the build, so a test or a server reading it meanwhile does not find it missing.
//
//   node scripts/prune-dist.mjs mark     before rollup
//   node scripts/prune-dist.mjs prune    after the last step of the build
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const marker = path.join(dist, '.build-start')

/** Deletes the files under `dir` last written before `since`, then any folder left empty. */
function prune(dir, since) {
  let removed = 0
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    const stats = statSync(full)
    if (stats.isDirectory()) {
      removed += prune(full, since)
      if (readdirSync(full).length === 0) rmSync(full, { recursive: true })
    } else if (stats.mtimeMs < since) {
      rmSync(full)
      removed++
    }
  }
  return removed
}

const command = process.argv[2]
if (command === 'mark') {
  mkdirSync(dist, { recursive: true })
  writeFileSync(marker, '')
} else if (command === 'prune') {
  // Without a mark (a build step run on its own) there is no telling old from new: leave everything.
  if (!existsSync(marker)) process.exit(0)
  const since = statSync(marker).mtimeMs
  rmSync(marker)
  const removed = prune(dist, since)
  if (removed) console.log(`prune-dist: ${removed} stale file(s) removed`)
} else {
  console.error('usage: node scripts/prune-dist.mjs mark | prune')
  process.exit(2)
}
