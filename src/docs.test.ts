import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from './lib/paths.js'

/**
 * The README is the front door and docs/ the reference: every page is
 * linked from the README, and no link or file path in them points at
 * something that was moved or renamed.
 */

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist') return []
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return markdownFiles(full)
    return name.endsWith('.md') ? [full] : []
  })
}

const readme = path.join(projectRoot, 'README.md')
/** Files the shop or its tests make when they run, named by the docs before they exist. */
const MADE_WHEN_RUN = new Set(['db/shop.sqlite', 'db/media', 'e2e/screenshots/', 'dist/', 'bench/.data/'])
const pages = markdownFiles(projectRoot)
const rel = (file: string) => path.relative(projectRoot, file)

/** `[text](target)` links to files of the repository (not web addresses or anchors on the same page). */
function linksOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => (match[1] as string).split('#', 1)[0] as string)
    .filter((target) => target !== '' && !/^[a-z]+:/i.test(target))
}

/** Paths written in backticks, such as `src/lib/ids.ts` (globs and placeholders are not paths). */
function pathsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/`((?:src|views|db|bench|e2e|deploy|docs|public)\/[^`\s]*)`/g)]
    .map((match) => (match[1] as string).replace(/[:,.]$/, ''))
    .filter((written) => !/[*<>{}…]|\bN\b/.test(written))
}

describe('the documentation', () => {
  it('the README links every page of docs/ and every module README', () => {
    const linked = new Set(linksOf(readme).map((target) => path.resolve(projectRoot, target)))
    const expected = pages.filter(
      (file) => rel(file).startsWith(`docs${path.sep}`) || rel(file).startsWith(`src${path.sep}modules${path.sep}`),
    )
    expect(expected.length).toBeGreaterThan(8)
    expect(expected.filter((file) => !linked.has(file)).map(rel)).toEqual([])
  })

  it('no link in a README or docs page points at a file that does not exist', () => {
    const broken = pages.flatMap((file) =>
      linksOf(file)
        .filter((target) => !existsSync(path.resolve(path.dirname(file), target)))
        .map((target) => `${rel(file)} → ${target}`),
    )
    expect(broken).toEqual([])
  })

  it('every file path a README or docs page names exists', () => {
    const broken = pages.flatMap((file) =>
      pathsOf(file)
        .filter((written) => !MADE_WHEN_RUN.has(written) && !existsSync(path.join(projectRoot, written)))
        .map((written) => `${rel(file)}: ${written}`),
    )
    expect(broken).toEqual([])
  })

  it('the README is a front door, not the reference', () => {
    expect(readFileSync(readme, 'utf8').split('\n').length).toBeLessThan(200)
  })
})
