import { execSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** PATH's folders, then the sbin folders, where Debian puts nginx (often not on a non-root user's PATH). */
export function programFolders(path = process.env.PATH ?? ''): string[] {
  return [...path.split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin', '/sbin']
}

function installed(name: string, folders: string[]): string | undefined {
  for (const folder of folders) {
    const file = join(folder, name)
    const found = statSync(file, { throwIfNoEntry: false })
    // Executable by someone: if not by this user, running it says so clearly enough.
    if (found?.isFile() && (found.mode & 0o111) !== 0) return file
  }
  return undefined
}

/**
 * The path of an installed program a test needs. On Debian or Ubuntu as root
 * a missing one is installed from the package of the same name first (as the
 * end-to-end tests do with Chromium, e2e/chromium.ts); anywhere else the
 * error says how to install it: such a test fails, it is never skipped.
 */
export function findProgram(
  name: string,
  why: string,
  folders = programFolders(),
  install: ((name: string) => void) | null = defaultInstaller(),
): string {
  const found = installed(name, folders)
  if (found) return found
  if (install) {
    install(name)
    const now = installed(name, folders)
    if (now) return now
  }
  throw new Error(
    `${name} is not installed (not found on PATH, nor in /usr/sbin, /usr/local/sbin or /sbin), and ${why}. ` +
      `Install it — Debian or Ubuntu: \`apt-get install -y ${name}\`; Fedora: \`dnf install -y ${name}\`; ` +
      `macOS: \`brew install ${name}\` — then run the test again.`,
  )
}

/** Debian's package installer where a test may use it (Debian or Ubuntu, as root); null elsewhere. */
export function defaultInstaller(): ((name: string) => void) | null {
  return existsSync('/etc/debian_version') && process.getuid?.() === 0 ? aptInstall : null
}

function aptInstall(name: string): void {
  console.log(`${name} is not installed: installing Debian’s ${name} package for the tests…`)
  execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${name}`, { stdio: 'inherit' })
}
