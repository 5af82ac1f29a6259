import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findProgram, programFolders } from './programs.js'

describe('findProgram', () => {
  it('finds an installed program in the folders given', () => {
    expect(findProgram('sh', 'a test needs it', programFolders('/usr/bin:/bin'))).toMatch(/\/sh$/)
  })

  it('fails saying how to install a program that is missing, never quietly', () => {
    expect(() => findProgram('nginx', 'the scale-out test runs the shop behind it', ['/nonexistent'], null)).toThrow(
      'nginx is not installed (not found on PATH, nor in /usr/sbin, /usr/local/sbin or /sbin), and the scale-out test runs the shop behind it. ' +
        'Install it — Debian or Ubuntu: `apt-get install -y nginx`',
    )
  })

  it('installs a missing program where it can, then uses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shopfront-programs-'))
    try {
      const asked: string[] = []
      const found = findProgram('nginx', 'a test needs it', [dir], (name) => {
        asked.push(name)
        writeFileSync(join(dir, name), '#!/bin/sh\n')
        chmodSync(join(dir, name), 0o755)
      })
      expect(asked).toEqual(['nginx'])
      expect(found).toBe(join(dir, 'nginx'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('still fails, saying how to install it, when the installation did not bring the program', () => {
    expect(() => findProgram('nginx', 'a test needs it', ['/nonexistent'], () => {})).toThrow('nginx is not installed')
  })

  it('looks on PATH first, then where Debian puts system programs', () => {
    expect(programFolders('/a:/b')).toEqual(['/a', '/b', '/usr/sbin', '/usr/local/sbin', '/sbin'])
  })
})
