#!/usr/bin/env node
// `tsc -p tsconfig.build.json` writes the declarations with the specifiers of src/ (`from './types'`). Bundlers
// resolve those, but Node's ESM resolution, and TypeScript under `moduleResolution: node16 | nodenext`, need the
// file's extension. This rewrites every relative specifier in dist/**/*.d.ts to the file it means (`./types.js`,
// `./server/index.js`), and fails on one that names no declaration file or points outside dist/.
//
//   node scripts/dts-specifiers.mjs          rewrite in place (idempotent); run after tsc
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist')

/** Every `.d.ts` file under `dir`. */
function declarationFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return declarationFiles(full)
    return name.endsWith('.d.ts') ? [full] : []
  })
}

/** The string literals that name a module: import/export `from`, `import('…')` types, `declare module '…'`. */
function specifierNodes(source) {
  const found = []
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      found.push(node.moduleSpecifier)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      found.push(node.argument.literal)
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      found.push(node.name)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found.filter((node) => ts.isStringLiteral(node) && node.text.startsWith('.'))
}

/** The Node-resolvable form of a relative specifier written in `file`. */
function resolveSpecifier(file, specifier) {
  const base = path.resolve(path.dirname(file), specifier.replace(/\.js$/, ''))
  if (!base.startsWith(dist + path.sep)) throw new Error(`${file}: "${specifier}" points outside dist/`)
  const stem = specifier.replace(/\.js$/, '').replace(/\/$/, '')
  if (existsSync(base + '.d.ts')) return stem + '.js'
  if (existsSync(path.join(base, 'index.d.ts'))) return stem + '/index.js'
  throw new Error(`${file}: "${specifier}" names no declaration file`)
}

if (!existsSync(dist)) throw new Error('dist/ is missing: run the build first')
let changed = 0
for (const file of declarationFiles(dist)) {
  const text = readFileSync(file, 'utf8')
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const edits = specifierNodes(source)
    .map((node) => ({
      start: node.getStart(source) + 1,
      end: node.getEnd() - 1,
      text: resolveSpecifier(file, node.text),
    }))
    .filter((edit) => text.slice(edit.start, edit.end) !== edit.text)
  if (edits.length === 0) continue
  let out = text
  for (const edit of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end)
  writeFileSync(file, out)
  changed++
}
console.log(`dts-specifiers: ${changed} declaration file(s) rewritten`)
