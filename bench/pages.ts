/**
 * What is measured: the pages by name, in table order, and the wrk bursts
 * and probes that ask for them. The storefront's pages are in
 * bench/shop-pages.ts, the back office's in bench/admin-pages.ts.
 */
import { ADMIN_PAGES, ADMIN_PATHS, adminTarget, isAdminPage } from './admin-pages.js'
import type { Catalogue } from './databases.js'
import type { Options } from './options.js'
import { SHOP_PAGES, SHOP_PATHS, shopTarget } from './shop-pages.js'
import { type Burst, writePathsScript } from './wrk.js'

export const PAGES = [...SHOP_PAGES, ...ADMIN_PAGES] as const
export type PageName = (typeof PAGES)[number]
const FIXED_PATHS: Partial<Record<PageName, string>> = { ...SHOP_PATHS, ...ADMIN_PATHS }

export interface Target {
  name: string
  /** What the table shows as the path. */
  shown: string
  burst?: Burst
  /** One URL to ask once before measuring, for its status. */
  probe?: string
  /** Headers for the probe (the staff session cookie). */
  headers?: Record<string, string>
  skip?: string
}

/** How a page group turns one of its pages into a target. */
export interface TargetMaker {
  catalogue: Catalogue
  size: number
  /** One path, asked for in every request. */
  plain(path: string, shown?: string): Target
  /** Each request asks for one of `paths` at random (a wrk script written to bench/.data/paths-<script>.lua). */
  random(paths: string[], shown: string, script: string): Target
  /** Not measured: the table says why. */
  skip(shown: string, why: string): Target
}

export function targetsFor(
  options: Options,
  size: number,
  origin: string,
  catalogue: Catalogue,
  staff: string | null,
): Target[] {
  return options.pages.map((page): Target => {
    const admin = isAdminPage(page)
    if (admin && !staff) return { name: page, shown: FIXED_PATHS[page as PageName] ?? page, skip: 'no staff session' }
    // Back-office pages are asked for as a signed-in staff member.
    const headers = admin && staff ? { cookie: staff } : undefined
    const burst = (url: string, script?: string): Burst => ({
      url,
      ...(script ? { script } : {}),
      ...(headers ? { headers: [`Cookie: ${headers.cookie}`] } : {}),
    })
    const make: TargetMaker = {
      catalogue,
      size,
      plain: (path, shown = path) => ({
        name: page,
        shown,
        burst: burst(origin + path),
        probe: origin + path,
        ...(headers ? { headers } : {}),
      }),
      random: (paths, shown, script) => ({
        name: page,
        shown,
        burst: burst(`${origin}/`, writePathsScript(script, paths)),
        probe: origin + (paths[0] ?? '/'),
        ...(headers ? { headers } : {}),
      }),
      skip: (shown, why) => ({ name: page, shown, skip: why }),
    }
    if (page.startsWith('/')) return make.plain(page)
    const fixed = FIXED_PATHS[page as PageName]
    if (fixed) return make.plain(fixed)
    return admin ? adminTarget(page, make) : shopTarget(page, make)
  })
}

/** "home `/`", or just the path for a page given as a path. */
export function label(target: Target, quote: (text: string) => string = (text) => text): string {
  return target.name === target.shown ? quote(target.shown) : `${target.name} ${quote(target.shown)}`
}
