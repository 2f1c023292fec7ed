/** @jest-environment node */
/**
 * The size gate of `npm test` (`npm run size`, scripts/size.mjs), on the built `dist/`: every shipped bundle is
 * measured and has a budget, today's sizes pass, and a bundle one byte over its budget fails.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = path.resolve(__dirname, '..')

interface Row {
  name: string
  gzip: number
  brotli: number
  min: number
  budget: number
}

/**
 * Runs the measurement in a plain Node process (the script is an ES module of the build tooling), from a file:
 * terser's workers inherit the process's flags, and `--input-type` would stop them.
 */
function measure(): { rows: Row[]; passing: string[]; oneOver: string[] } {
  if (!existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first')
  const code = `
    import { exceeded, measureSizes } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'scripts/size.mjs')).href)}
    const { rows } = await measureSizes()
    const passing = exceeded(rows)
    const oneOver = exceeded(rows.map((row, at) => (at === 0 ? { ...row, budget: row.gzip - 1 } : row)))
    console.log(JSON.stringify({ rows, passing, oneOver }))`
  const dir = mkdtempSync(path.join(tmpdir(), 'ssekit-size-'))
  try {
    const file = path.join(dir, 'measure.mjs')
    writeFileSync(file, code)
    const out = execFileSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8' })
    return JSON.parse(out) as { rows: Row[]; passing: string[]; oneOver: string[] }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('every shipped bundle is within its budget, and one byte over fails the gate', () => {
  const { rows, passing, oneOver } = measure()
  expect(rows.map((row) => row.name)).toEqual([
    expect.stringContaining('core ESM'),
    expect.stringContaining('core + bindings'),
    expect.stringContaining('lazy polyfill'),
    expect.stringContaining('lazy fetch'),
    expect.stringContaining('lazy share'),
    expect.stringContaining('lazy refused-response'),
    expect.stringContaining('lazy second-look'),
    expect.stringContaining('script-tag file'),
  ])
  for (const row of rows) {
    expect(row.budget).toBeGreaterThan(0)
    expect(row.gzip).toBeGreaterThan(0)
    expect(row.brotli).toBeLessThan(row.min)
  }
  expect(passing).toEqual([])
  expect(oneOver).toEqual([expect.stringMatching(/^size budget exceeded: core ESM.* 1 B over its budget of \d+ B$/)])
}, 60_000)
