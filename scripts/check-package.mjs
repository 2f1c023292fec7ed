#!/usr/bin/env node
// Checks the package as npm would publish it (run `npm run build` first): packs it once, then
// 1. the tarball holds only what users need: package.json, README, CHANGELOG, LICENSE, dist/ (JS, maps,
//    declarations), src/ (the sources the maps point at) and the demo dashboard that `ssekit-server` serves, and no
//    chunk left over from an earlier build;
// 2. the declarations import nothing but each other, react, msw and node: built-ins (no leaked src/ or node_modules
//    path);
// 3. publint (strict: warnings fail) and @arethetypeswrong/cli with the `esm-only` profile report no problem.
//    `esm-only`: the package is `"type": "module"` with ESM files only, so the two CommonJS-only resolutions
//    (`node10`, `node16` from `require`) are not checked; `node16`/`nodenext` from ESM and `bundler` are.
//
//   node scripts/check-package.mjs
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)

/** Files a user may receive; anything else in the tarball is a mistake. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^dist\/.+\.(js|js\.map|d\.ts)$/,
  /^src\/.+\.ts$/,
  /^examples\/dashboard\/[\w.-]+\.(html|js|css)$/,
]
/** Files the package must hold: `ssekit-server` serves the demo dashboard at `/` and `/legacy.html`. */
const REQUIRED = ['examples/dashboard/index.html', 'examples/dashboard/legacy.html', 'examples/dashboard/dashboard.js']
/** Built files nothing imports: the entry points of `exports`, `bin` and the script tag. */
const ENTRIES = [
  'index.js',
  'react.js',
  'dev/index.js',
  'dev/react.js',
  'server/index.js',
  'server/cli.js',
  'testing/index.js',
  'dev/testing/index.js',
  'testing/server.js',
  'testing/msw.js',
  'ssekit.legacy.js',
  'ssekit.legacy.min.js',
]
/** Modules a declaration file may import besides its neighbours: the optional peers and Node's own. */
const TYPE_IMPORTS = /^(react|msw|node:.+)$/

const problems = []
for (const entry of ['index', 'react', 'server/index', 'testing/index', 'testing/server', 'testing/msw']) {
  for (const ext of ['.js', '.d.ts']) {
    if (!existsSync(path.join(root, 'dist', entry + ext)))
      problems.push(`dist/${entry}${ext} is missing: run \`npm run build\``)
  }
}
if (problems.length) fail(problems)

const destination = mkdtempSync(path.join(tmpdir(), 'ssekit-pack-'))
try {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  )
  const files = pack.files.map((file) => file.path)
  console.log(`npm pack: ${files.length} files, ${pack.size} bytes packed`)

  for (const file of files) {
    if (!ALLOWED.some((pattern) => pattern.test(file))) problems.push(`unexpected file in the package: ${file}`)
  }
  for (const file of REQUIRED) {
    if (!files.includes(file)) problems.push(`${file} is missing from the package (the demo server serves it)`)
  }

  const built = files.filter((file) => file.startsWith('dist/') && file.endsWith('.js'))
  const code = built.map((file) => readFileSync(path.join(root, file), 'utf8')).join('\n')
  for (const file of built) {
    const name = file.slice('dist/'.length)
    if (!ENTRIES.includes(name) && !code.includes(path.posix.basename(name))) {
      problems.push(`${file} is imported by nothing (left over from an earlier build?)`)
    }
  }

  for (const file of files.filter((file) => file.endsWith('.d.ts'))) {
    // Examples in doc comments import the package by name; only the code counts.
    const text = readFileSync(path.join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
    for (const [, specifier] of text.matchAll(/(?:from |import\()'([^']+)'/g)) {
      const isLocal = specifier.startsWith('./') || specifier.startsWith('../')
      if (isLocal ? !specifier.endsWith('.js') : !TYPE_IMPORTS.test(specifier)) {
        problems.push(`${file} imports "${specifier}"`)
      }
    }
    if (/\/(src|node_modules)\//.test(text)) problems.push(`${file} names a src/ or node_modules/ path`)
  }

  const tarball = path.join(destination, pack.filename)
  run('publint', ['run', tarball, '--strict'])
  run('attw', [tarball, '--profile', 'esm-only'])
} finally {
  rmSync(destination, { recursive: true, force: true })
}
if (problems.length) fail(problems)
console.log('check-package: all good')

/** Runs a checker, shows its output, and records a failure. */
function run(name, args) {
  console.log(`\n$ ${name} ${args.map((arg) => (arg.includes(destination) ? path.basename(arg) : arg)).join(' ')}`)
  const result = spawnSync(bin(name), args, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) problems.push(`${name} reported problems (exit ${result.status})`)
}

function fail(list) {
  console.error('\ncheck-package failed:\n' + list.map((line) => '  - ' + line).join('\n'))
  process.exit(1)
}
