/** @jest-environment node */
/**
 * What ships to browsers runs no strings as code and writes no HTML: every built bundle (the ESM entry, its lazy
 * chunks, the script-tag files), the polyfill they carry, the demo page and the UI sources are scanned. Bundles are
 * parsed (acorn) and walked, so a comment or a message that mentions a sink does not count, and `window.eval`,
 * `new Function` and a string handed to `setTimeout` do.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'acorn'

const ROOT = path.resolve(__dirname, '..')
const HTML_SINKS = ['innerHTML', 'outerHTML', 'insertAdjacentHTML']
const TIMERS = ['setTimeout', 'setInterval', 'setImmediate']

interface AstNode {
  type: string
  start: number
  [key: string]: unknown
}

function read(file: string): string {
  const full = path.join(ROOT, file)
  if (!existsSync(full)) throw new Error(`${file} is missing: run \`npm run build\` before this test`)
  return readFileSync(full, 'utf8')
}

const jsIn = (dir: string) =>
  existsSync(path.join(ROOT, dir))
    ? readdirSync(path.join(ROOT, dir))
        .filter((name) => name.endsWith('.js'))
        .map((name) => `${dir}/${name}`)
    : []

/** Every node of a tree, depth first. */
function* walk(node: unknown): Generator<AstNode> {
  if (Array.isArray(node)) for (const child of node) yield* walk(child)
  else if (node && typeof node === 'object') {
    if (typeof (node as AstNode).type === 'string') yield node as AstNode
    for (const value of Object.values(node)) if (value && typeof value === 'object') yield* walk(value)
  }
}

/** The name a callee or member refers to: `eval`, `window.eval`, `x["eval"]` all give `eval`. */
function nameOf(node: unknown): string | undefined {
  const target = node as AstNode
  if (target.type === 'Identifier') return target.name as string
  if (target.type === 'MemberExpression') return nameOf(target.property) ?? undefined
  if (target.type === 'Literal' && typeof target.value === 'string') return target.value
  return undefined
}

/** The dangerous uses in one script, as `file:line: what`. */
function findSinks(file: string, code: string, sourceType: 'script' | 'module'): string[] {
  const found: string[] = []
  const report = (node: AstNode, what: string) =>
    found.push(`${file}:${code.slice(0, node.start).split('\n').length}: ${what}`)
  for (const node of walk(parse(code, { ecmaVersion: 'latest', sourceType }))) {
    if (node.type === 'CallExpression' || node.type === 'NewExpression') {
      const callee = nameOf(node.callee)
      const [first] = node.arguments as AstNode[]
      if (callee === 'eval') report(node, 'eval()')
      if (callee === 'Function') report(node, 'the Function constructor')
      const isString =
        first && ((first.type === 'Literal' && typeof first.value === 'string') || first.type === 'TemplateLiteral')
      if (callee && TIMERS.includes(callee) && isString) report(node, `${callee} with a string`)
    }
    if (node.type === 'MemberExpression') {
      const property = nameOf(node.property)
      if (property && HTML_SINKS.includes(property)) report(node, property)
      if (nameOf(node.object) === 'document' && (property === 'write' || property === 'writeln'))
        report(node, `document.${property}`)
    }
  }
  return found
}

test('the scanner finds every kind of sink it looks for', () => {
  const bad = [
    'eval("1"); window.eval("2"); new Function("x"); Function("y")(); setTimeout("z", 1); setInterval(`w`, 1)',
    'el.innerHTML = s; el["outerHTML"]; el.insertAdjacentHTML("beforeend", s); document.write(s)',
    '// eval("in a comment"); el.innerHTML',
    'setTimeout(function () {}, 1); el.textContent = "innerHTML"',
  ].join('\n')
  expect(findSinks('bad.js', bad, 'script')).toEqual([
    'bad.js:1: eval()',
    'bad.js:1: eval()',
    'bad.js:1: the Function constructor',
    'bad.js:1: the Function constructor',
    'bad.js:1: setTimeout with a string',
    'bad.js:1: setInterval with a string',
    'bad.js:2: innerHTML',
    'bad.js:2: outerHTML',
    'bad.js:2: insertAdjacentHTML',
    'bad.js:2: document.write',
  ])
})

describe('the built bundles', () => {
  const modules = ['dist/index.js', ...jsIn('dist').filter((file) => file !== 'dist/index.js'), ...jsIn('dist/chunks')]
  const scripts = ['dist/ssekit.legacy.js', 'dist/ssekit.legacy.min.js']

  test('the ESM entry, its lazy chunks and the script-tag files exist', () => {
    expect(modules.length).toBeGreaterThanOrEqual(2)
    for (const file of [...modules, ...scripts]) expect(() => read(file)).not.toThrow()
  })

  test.each(modules.filter((file) => !scripts.includes(file)))('%s: no eval, Function or HTML sink', (file) => {
    expect(findSinks(file, read(file), 'module')).toEqual([])
  })

  test.each(scripts)('%s: no eval, Function or HTML sink', (file) => {
    expect(findSinks(file, read(file), 'script')).toEqual([])
  })
})

test('event-source-polyfill, which the chunk and the script-tag files carry, has none either', () => {
  const file = 'node_modules/event-source-polyfill/src/eventsource.js'
  expect(findSinks(file, read(file), 'script')).toEqual([])
})

test('the demo page scripts have none', () => {
  expect(findSinks('dashboard.js', read('examples/dashboard/dashboard.js'), 'module')).toEqual([])
  const inline = /<script>([\s\S]*?)<\/script>/.exec(read('examples/dashboard/legacy.html'))
  expect(inline).not.toBeNull()
  expect(findSinks('legacy.html', inline ? inline[1] : '', 'script')).toEqual([])
})

test('the UI bindings write status and texts through textContent only', () => {
  const source = read('src/ui.ts')
  const sinks = [...HTML_SINKS, 'document.write', 'eval(', 'new Function', 'Function(']
  expect(sinks.filter((sink) => source.includes(sink))).toEqual([])
  expect(source).toMatch(/\.textContent = /)
})

test('no source file of the client calls eval or the Function constructor', () => {
  const files = ['src', 'src/transports'].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `${dir}/${name}`),
  )
  const offenders = files.filter((file) => /\beval\(|\bnew Function\b|\bFunction\(/.test(read(file)))
  expect(offenders).toEqual([])
})
