/** @jest-environment node */
// The README's "Testing your app" section prints its examples exactly as they are in test/testing/examples/, where
// jest runs them (through the package's own exports, on the built files): what a reader copies is what was tested.
import { readFileSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '../..')
const EXAMPLES = ['react.test.tsx', 'node.test.ts', 'msw.test.ts']

/** The fenced code blocks of one section of README.md, in order, each as its text between the fences. */
function blocksOf(heading: string): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('\n' + heading + '\n')
  expect(start).toBeGreaterThan(0)
  const end = readme.indexOf('\n## ', start + heading.length + 1)
  const section = readme.slice(start, end < 0 ? undefined : end)
  return [...section.matchAll(/^```\w*\n([\s\S]*?)^```$/gm)].map((match) => match[1])
}

test('each example of "Testing your app" is its test file, byte for byte', () => {
  const files = EXAMPLES.map((name) => readFileSync(path.join(__dirname, 'examples', name), 'utf8'))
  expect(blocksOf('## Testing your app')).toEqual(files)
})
