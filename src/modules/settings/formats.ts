import { formatMoney } from '../../lib/money.js'
import type { ShopSettings } from './settings.service.js'

/*
 * Moments are stored as ISO-8601 in UTC and the back office shows them in
 * UTC too (its columns say so): staff in different places then read the
 * same time for the same event.
 */

/** 2026-05-04 */
export const utcDay = (iso: string | null | undefined): string => (iso ?? '').slice(0, 10)
/** 2026-05-04 13:07 */
export const utcMinute = (iso: string | null | undefined): string => (iso ?? '').slice(0, 16).replace('T', ' ')
/** 2026-05-04 13:07:45 */
export const utcSecond = (iso: string | null | undefined): string => (iso ?? '').slice(0, 19).replace('T', ' ')

/**
 * The formatters every back-office page gets, set once for the request:
 * an amount in a currency of its own (an order's) written the shop's way, and
 * stored moments in UTC. The shop's own currency is `money`, which every page has.
 */
export function backOfficeFormats(shop: Pick<ShopSettings, 'locale'>) {
  return {
    moneyIn: (minor: number, currency: string) => formatMoney(minor, currency, shop.locale),
    utcDay,
    utcMinute,
    utcSecond,
  }
}
