import { describe, expect, it } from 'vitest'
import { demoSettings } from '../demo/demo.seed.js'
import { type ShopSettings, shopSettingsSchema } from '../settings/settings.service.js'
import { cartDeliveryNote, productDeliveryNote } from './delivery-note.js'

/** The demo shop: UK Tracked 48 £3.95, free from £50; next day £8.95; collection; a Europe zone. */
const demo: ShopSettings = shopSettingsSchema.parse(demoSettings)

const withZones = (zones: ShopSettings['shippingZones']): ShopSettings => ({ ...demo, shippingZones: zones })

describe('the delivery notes before checkout', () => {
  it('tells the cart how far it is from free delivery, for the shop’s own country', () => {
    expect(cartDeliveryNote(demo, 3750)).toEqual({
      headline: '£12.50 away from free delivery',
      detail: 'Delivery from £3.95, free on orders of £50.00 or more (United Kingdom).',
    })
    expect(cartDeliveryNote(demo, 4999)?.headline).toBe('£0.01 away from free delivery')
  })

  it('says delivery is free once the cart reaches the threshold, inclusive, and by which method', () => {
    expect(cartDeliveryNote(demo, 5000)).toEqual({
      headline: 'Free delivery on this order',
      detail: 'Royal Mail Tracked 48 is free on orders of £50.00 or more (United Kingdom).',
    })
  })

  it('gives the product page the cheapest delivery and the threshold, whatever is in a cart', () => {
    expect(productDeliveryNote(demo)).toEqual({
      headline: 'Delivery from £3.95, free on orders of £50.00 or more (United Kingdom)',
      detail: null,
    })
  })

  it('says only what delivery costs when nothing is ever free, and nothing when the shop only has collection', () => {
    const uk = demo.shippingZones[0] as ShopSettings['shippingZones'][number]
    const flat = withZones([{ ...uk, methods: [{ id: 'post', name: 'Post', kind: 'flat', price: 450 }] }])
    // One zone: no need to say which country the prices are for.
    expect(productDeliveryNote(flat)).toEqual({ headline: 'Delivery from £4.50', detail: null })
    expect(cartDeliveryNote(flat, 100_000)).toEqual({ headline: 'Delivery from £4.50', detail: null })
    const collectOnly = withZones([{ ...uk, methods: [{ id: 'pickup', name: 'Collect', kind: 'pickup' }] }])
    expect(productDeliveryNote(collectOnly)).toBeNull()
    expect(cartDeliveryNote(collectOnly, 1000)).toBeNull()
    expect(productDeliveryNote(withZones([]))).toBeNull()
  })

  it('calls delivery that always costs nothing free', () => {
    const uk = demo.shippingZones[0] as ShopSettings['shippingZones'][number]
    const free = withZones([{ ...uk, methods: [{ id: 'post', name: 'Free post', kind: 'flat', price: 0 }] }])
    expect(productDeliveryNote(free)?.headline).toBe('Free delivery')
    expect(cartDeliveryNote(free, 100)).toEqual({
      headline: 'Free delivery on this order',
      detail: 'Free post is free.',
    })
  })
})
