// The bench measures a copy of `dist/` taken when it starts, so that a rebuild during the run (which empties
// `dist/` first) cannot pull files from under a page or mix two builds. The copy is checked for completeness:
// every entry point present, and every relative import of every file resolvable.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ENTRIES = ['index.js', 'server/index.js', 'ssekit.legacy.min.js']

/** The relative imports of the JS files under `dir` that point at a missing file. */
function missingImports(dir) {
  const missing = []
  for (const entry of readdirSync(dir, { recursive: true })) {
    if (!entry.endsWith('.js')) continue
    const code = readFileSync(path.join(dir, entry), 'utf8')
    for (const [, target] of code.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const resolved = path.resolve(path.dirname(path.join(dir, entry)), target)
      if (!existsSync(resolved)) missing.push(`${entry} → ${target}`)
    }
  }
  return missing
}

/** Copies `source` into a fresh temporary folder; waits (up to `waitMs`) while it is missing or incomplete. */
export async function snapshotDist(source, { log = () => {}, waitMs = 60_000 } = {}) {
  const deadline = Date.now() + waitMs
  for (;;) {
    let problem = 'missing'
    if (ENTRIES.every((entry) => existsSync(path.join(source, entry)))) {
      const copy = mkdtempSync(path.join(os.tmpdir(), 'ssekit-bench-dist-'))
      try {
        cpSync(source, copy, { recursive: true })
        const missing = ENTRIES.filter((entry) => !existsSync(path.join(copy, entry)))
        missing.push(...missingImports(copy))
        if (!missing.length) return copy
        problem = `incomplete (${missing.slice(0, 3).join(', ')})`
      } catch (error) {
        problem = `changing while copied (${error.code || error.message})`
      }
      rmSync(copy, { recursive: true, force: true })
    }
    if (Date.now() > deadline) throw new Error(`dist/ is ${problem}: run \`npm run build\` first`)
    log(`dist/ is ${problem}; a build may be running, retrying in 2 s`)
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
}
