/** @jest-environment node */
// The testing kit costs an app nothing: no built file of the core or of another entry holds or imports a module of
// src/testing (read from their source maps and imports), no source outside src/testing imports it, and the kit's
// client entry imports nothing but the core build beside it (no React, no msw), its server nothing but Node's
// modules, and only its msw entry imports msw. Through the package's exports, a test client's errors are the `SsekitError` of `ssekit` itself.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '../..')
const DIST = path.join(ROOT, 'dist')

function files(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) throw new Error(`${path.relative(ROOT, dir)} is missing: run \`npm run build\` first`)
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? files(full, suffix) : name.endsWith(suffix) ? [full] : []
  })
}

const isKit = (file: string) => /(^|[/\\])testing[/\\]/.test(path.relative(DIST, file))
/** The module specifiers a file imports (static, re-exports and dynamic), its comments left out. */
const importsOf = (code: string) =>
  [
    ...code
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .matchAll(/(?:^|[\s;])(?:import|export)\b[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/gm),
  ].map((match) => match[1] ?? match[2])

test('no built file of the core or the other entries holds or imports a module of src/testing', () => {
  const others = files(DIST, '.js').filter((file) => !isKit(file))
  expect(others.map((file) => path.relative(DIST, file))).toEqual(
    expect.arrayContaining(['index.js', 'react.js', 'dev/index.js', 'server/index.js', 'ssekit.legacy.min.js']),
  )
  for (const file of others) {
    const { sources } = JSON.parse(readFileSync(file + '.map', 'utf8')) as { sources: string[] }
    const name = path.relative(DIST, file)
    expect([name, sources.filter((source) => source.includes('src/testing/'))]).toEqual([name, []])
    expect([name, importsOf(readFileSync(file, 'utf8')).filter((id) => id.includes('testing'))]).toEqual([name, []])
  }
})

test('no source outside src/testing imports it', () => {
  const sources = files(path.join(ROOT, 'src'), '.ts').filter((file) => !file.includes(`${path.sep}testing${path.sep}`))
  for (const file of sources) {
    const name = path.relative(ROOT, file)
    expect([name, importsOf(readFileSync(file, 'utf8')).filter((id) => /(^|\/)testing(\/|$)/.test(id))]).toEqual([
      name,
      [],
    ])
  }
})

test('ssekit/testing imports the core build beside it and nothing else: no React, no msw', () => {
  for (const file of ['testing/index.js', 'dev/testing/index.js']) {
    expect([file, importsOf(readFileSync(path.join(DIST, file), 'utf8'))]).toEqual([file, ['../index.js']])
  }
})

test('ssekit/testing/server imports Node modules alone, ssekit/testing/msw msw alone (and their shared chunk)', () => {
  const outside = (file: string) =>
    importsOf(readFileSync(path.join(DIST, 'testing', file), 'utf8')).filter((id) => !id.startsWith('./chunks/'))
  expect(outside('server.js').filter((id) => !id.startsWith('node:'))).toEqual([])
  expect(outside('msw.js')).toEqual(['msw'])
  for (const chunk of files(path.join(DIST, 'testing/chunks'), '.js'))
    expect(importsOf(readFileSync(chunk, 'utf8'))).toEqual([])
})

test("a test client's errors are ssekit's SsekitError, through the package's exports and in the production files", () => {
  const code = `
    const check = async (kit, core) => {
      const { createTestClient } = await import(kit)
      const { SsekitError, isSsekitError } = await import(core)
      const { client, server } = createTestClient('https://example.test/s')
      client.connect()
      server.fail(401)
      return [client.state.error instanceof SsekitError, isSsekitError(client.state.error)]
    }
    console.log(JSON.stringify([
      await check('ssekit/testing', 'ssekit'),
      await check('./dist/testing/index.js', './dist/index.js'),
    ]))
  `
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' })
  expect(JSON.parse(output)).toEqual([
    [true, true],
    [true, true],
  ])
})
