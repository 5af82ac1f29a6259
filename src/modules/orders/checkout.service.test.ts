import { describe, expect, it } from 'vitest'
import { demoSettings } from '../demo/demo.seed.js'
import type { ShippingMethod } from '../pricing/shipping.js'
import { type ShopSettings, shopSettingsSchema } from '../settings/settings.service.js'
import {
  type CheckoutSummary,
  chooseDelivery,
  collectionAddress,
  collectionPoints,
  findDelivery,
  paymentGoesWith,
  paymentRefusal,
  placeOrderWording,
  submitDetails,
} from './checkout.service.js'

const shop: ShopSettings = shopSettingsSchema.parse(demoSettings)
const royalMail: ShippingMethod = {
  id: 'uk-standard',
  name: 'Royal Mail Tracked 48',
  kind: 'free_over',
  price: 395,
  threshold: 5000,
}
const collect: ShippingMethod = { id: 'pickup', name: 'Collect from our Bristol workshop', kind: 'pickup' }
const contact = { email: 'Ada@Example.com', name: 'Ada Lovelace', phone: '' }

describe('the checkout’s rules', () => {
  it('lets paying on collection go with a collection only, and every other way of paying with any delivery', () => {
    expect(paymentGoesWith('pay_on_pickup', collect)).toBe(true)
    expect(paymentGoesWith('pay_on_pickup', royalMail)).toBe(false)
    expect(paymentGoesWith('pay_on_pickup', null)).toBe(false)
    for (const method of [collect, royalMail]) {
      expect(paymentGoesWith('bank_transfer', method)).toBe(true)
      expect(paymentGoesWith('stripe', method)).toBe(true)
    }
    expect(paymentRefusal('pay_on_pickup', royalMail)).toBe(
      'Pay on collection is only for orders you collect, not for Royal Mail Tracked 48. Choose another way to pay, or choose to collect the order.',
    )
  })

  it('finds the shop’s collection points, taxed in the shop’s country, and the shop’s address on one line', () => {
    expect(collectionPoints(shop)).toEqual([{ method: collect, country: 'GB' }])
    // Anybody may collect, wherever their address is; a carrier only delivers in its zone.
    expect(findDelivery(shop, 'FR', 'pickup')).toEqual({ method: collect, country: 'GB' })
    expect(findDelivery(shop, 'FR', 'uk-standard')).toBeNull()
    expect(collectionAddress(shop)).toBe('14 Orchard Row, Bristol BS1 4DJ, United Kingdom')
    expect(collectionAddress({ ...shop, address: '14 Orchard Row,\nBristol\n\n' })).toBe('14 Orchard Row, Bristol')
    expect(collectionAddress({ ...shop, address: '' })).toBeNull()
  })

  it('asks a shopper who collects for no street address, and takes them on to payment', () => {
    const outcome = submitDetails(shop, {}, { ...contact, receive: 'collect:pickup' })
    expect(outcome).toEqual({
      ok: true,
      state: {
        address: {
          email: 'ada@example.com',
          name: 'Ada Lovelace',
          phone: '',
          country: 'GB',
          line1: '',
          line2: '',
          city: '',
          postcode: '',
        },
        collect: true,
        method: 'pickup',
        token: undefined,
      },
      next: '/checkout/payment',
    })
    // An address sent along anyway is not kept.
    const typed = submitDetails(shop, {}, { ...contact, receive: 'collect:pickup', line1: '1 Marsh Lane' })
    expect(typed.ok && typed.state.address?.line1).toBe('')
  })

  it('still needs the contact details of a shopper who collects, and a collection the shop has', () => {
    expect(submitDetails(shop, {}, { email: 'x', name: '', receive: 'collect:pickup' })).toEqual({
      ok: false,
      errors: {
        email: 'Enter an email address in the correct format, like name@example.com',
        name: 'Enter your full name',
      },
    })
    expect(submitDetails(shop, {}, { ...contact, receive: 'collect:uk-standard' })).toEqual({
      ok: false,
      errors: { receive: 'Choose how you would like to get your order' },
    })
  })

  it('needs an address for delivery, and drops a collection chosen before', () => {
    const missing = submitDetails(shop, {}, { ...contact, receive: 'delivery', country: 'GB' })
    expect(missing.ok === false && Object.keys(missing.errors)).toEqual(['line1', 'city'])
    const address = { ...contact, country: 'GB', line1: '1 Marsh Lane', city: 'Bristol', postcode: 'bs14dj' }
    const outcome = submitDetails(shop, { collect: true, method: 'pickup', payment: 'pay_on_pickup' }, address)
    expect(outcome).toMatchObject({
      ok: true,
      state: { collect: false, method: undefined },
      next: '/checkout/delivery',
    })
    const kept = submitDetails(shop, { method: 'uk-express' }, { ...address, receive: 'delivery' })
    expect(kept).toMatchObject({ ok: true, state: { method: 'uk-express' } })
  })

  it('offers a shopper who collects only a collection at the delivery step', () => {
    const state = submitDetails(shop, {}, { ...contact, receive: 'collect:pickup' })
    if (!state.ok) throw new Error('not collected')
    expect(chooseDelivery(shop, state.state, { method: 'uk-standard' })).toEqual({
      ok: false,
      errors: { method: 'Choose where to collect your order, or give your address to have it delivered' },
    })
    expect(chooseDelivery(shop, state.state, { method: 'pickup' })).toMatchObject({
      ok: true,
      next: '/checkout/payment',
    })
  })

  it('has the place-order button say what happens next for each way of paying', () => {
    const summary = (collecting: boolean) =>
      ({
        shop,
        priced: { totals: { total: 3995 } },
        collecting,
        collectFrom: collectionAddress(shop),
      }) as unknown as CheckoutSummary
    expect(placeOrderWording(summary(false), 'bank_transfer')).toEqual({
      button: 'Place order',
      next: 'You will get our bank details on the next page and by email, to pay £39.95 with your order number as the reference. We send your order once the money arrives.',
    })
    expect(placeOrderWording(summary(false), 'stripe').button).toBe('Pay £39.95 by card')
    expect(placeOrderWording(summary(true), 'pay_on_pickup')).toEqual({
      button: 'Place order — pay on collection',
      next: 'You pay £39.95 when you collect your order from 14 Orchard Row, Bristol BS1 4DJ, United Kingdom.',
    })
  })
})
