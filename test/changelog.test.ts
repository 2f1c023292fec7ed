/** @jest-environment node */
// The release notes and the version agree: package.json's version is a semantic version, and CHANGELOG.md has a
// dated section and a link for it (Keep a Changelog). `version` itself is checked in errors and legacy-es5 tests.
import { readFileSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..')
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8')

test('package.json has a semantic version', () => {
  expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/)
})

test('CHANGELOG.md has a dated section and a link for that version, newest first', () => {
  const sections = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)]
  const released = sections.filter(([, name]) => name !== 'Unreleased')
  expect(released[0]?.[1]).toBe(version)
  expect(released[0]?.[2]).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  expect(changelog).toContain(`\n[${version}]: https://`)
})
