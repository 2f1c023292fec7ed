/** @jest-environment node */
/**
 * What users install is what the built files load: every runtime dependency is imported by a built file, and
 * event-source-polyfill, which the builds inline (its lazy chunk and the script-tag file), is not a dependency.
 * The ESM build inlines it so that `dist/` runs unbundled (the demo page imports it as it is, with no bare
 * specifiers to resolve).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'acorn'

const ROOT = path.resolve(__dirname, '..')
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

function builtFiles(dir: string): string[] {
  if (!existsSync(dir)) throw new Error('dist/ is missing: run `npm run build` first')
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? builtFiles(full) : name.endsWith('.js') ? [full] : []
  })
}

/** The bare specifiers an ES module imports: its import declarations, re-exports and dynamic `import('…')`. */
function bareImports(code: string): string[] {
  const found: string[] = []
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return
    if (Array.isArray(node)) return node.forEach(visit)
    const { type, source } = node as { type?: string; source?: { value?: unknown } }
    const isImport =
      type === 'ImportDeclaration' || type === 'ImportExpression' || /^Export(All|Named)Declaration$/.test(type ?? '')
    if (isImport && source && typeof source.value === 'string' && !/^[./]/.test(source.value)) found.push(source.value)
    Object.values(node).forEach(visit)
  }
  visit(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }))
  return found
}

test('every runtime dependency is imported by a built file, and every bare import is a declared one', () => {
  // The ES modules: the script-tag files are IIFEs and import nothing.
  const files = builtFiles(path.join(ROOT, 'dist')).filter((file) => !/ssekit\.legacy/.test(file))
  const imported = new Set(files.flatMap((file) => bareImports(readFileSync(file, 'utf8'))))
  const declared = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })
  for (const name of Object.keys(pkg.dependencies ?? {})) expect([name, imported.has(name)]).toEqual([name, true])
  const undeclared = [...imported].filter((name) => !name.startsWith('node:') && !declared.includes(name))
  expect(undeclared).toEqual([])
})

test('event-source-polyfill is inlined where it is used, so it is not something users install', () => {
  expect(pkg.dependencies?.['event-source-polyfill']).toBeUndefined()
  const chunks = builtFiles(path.join(ROOT, 'dist/chunks')).map((file) => readFileSync(file, 'utf8'))
  expect(chunks.some((code) => code.includes('EventSourcePolyfill'))).toBe(true)
  expect(readFileSync(path.join(ROOT, 'dist/ssekit.legacy.min.js'), 'utf8')).toMatch(/EventSourcePolyfill/)
})
