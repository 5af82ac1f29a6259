import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'
import { defaultInstaller } from '../src/testing/programs.js'

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
]

/**
 * The Chromium the end-to-end tests drive. Playwright cannot download its own
 * browser on every machine, so this takes CHROMIUM_PATH, else a system
 * Chromium or Chrome, else one Playwright installed earlier. On Debian or
 * Ubuntu as root it installs Debian's chromium package; anywhere else it stops
 * with one message saying what to install. It never skips the tests.
 */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but there is no file there.`)
  }
  const found = SYSTEM_BROWSERS.find((path) => existsSync(path)) ?? onPath() ?? playwrightsOwn()
  if (found) return found

  const install = defaultInstaller()
  if (install) {
    install('chromium')
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium'
  }
  throw new Error(
    'The end-to-end tests need Chromium or Google Chrome. Install it (Debian/Ubuntu: apt-get install chromium; ' +
      'macOS: install Google Chrome) or set CHROMIUM_PATH to the browser binary, then run npm test again.',
  )
}

function onPath(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
      if (path) return path
    } catch {}
  }
  return undefined
}

function playwrightsOwn(): string | undefined {
  try {
    const path = chromium.executablePath()
    return existsSync(path) ? path : undefined
  } catch {
    return undefined
  }
}
