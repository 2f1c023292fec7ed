#!/usr/bin/env node
// Makes sure a Chromium for the browser tests exists: CHROMIUM_PATH, or Debian's `chromium` package, which it
// installs with apt-get when missing and allowed (root on Debian/Ubuntu). Prints the path it found.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean)
const found = () => candidates.find((path) => existsSync(path))

let path = found()
if (!path) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(
      'No Chromium found for the browser tests. Install Debian\'s "chromium" package, or set CHROMIUM_PATH.',
    )
    process.exit(1)
  }
  console.log('Installing Chromium for the browser tests (apt-get install chromium)…')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env })
  path = found()
  if (!path) {
    console.error('apt-get finished but no chromium binary was found.')
    process.exit(1)
  }
}
console.log('Chromium for browser tests: ' + path)
