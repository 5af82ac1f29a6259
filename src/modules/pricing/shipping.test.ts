import { describe, expect, it } from 'vitest'
import {
  deliveryOffer,
  deliveryStanding,
  type ShippingMethod,
  type ShippingZone,
  shippingOptions,
  shippingPrice,
  zoneFor,
} from './shipping.js'

const zones: ShippingZone[] = [
  {
    id: 'uk',
    name: 'United Kingdom',
    countries: ['GB'],
    methods: [
      { id: 'standard', name: 'Standard', kind: 'free_over', price: 399, threshold: 5000 },
      { id: 'pickup', name: 'Collect from the shop', kind: 'pickup' },
    ],
  },
  {
    id: 'world',
    name: 'Rest of the world',
    countries: 'rest_of_world',
    methods: [{ id: 'air', name: 'Airmail', kind: 'flat', price: 1500 }],
  },
  {
    id: 'eu',
    name: 'Europe',
    countries: ['FR', 'DE', 'IE'],
    methods: [{ id: 'eu', name: 'Europe', kind: 'flat', price: 899 }],
  },
]

describe('shipping', () => {
  it('puts a country in the zone that lists it, else in the rest of the world', () => {
    expect(zoneFor(zones, 'GB')?.id).toBe('uk')
    expect(zoneFor(zones, 'de')?.id).toBe('eu')
    expect(zoneFor(zones, 'JP')?.id).toBe('world')
    expect(zoneFor(zones.slice(0, 1), 'JP')).toBeNull()
  })

  it('prices a flat method the same whatever the order', () => {
    expect(shippingPrice({ kind: 'flat', price: 899 }, 0)).toBe(899)
    expect(shippingPrice({ kind: 'flat', price: 899 }, 1_000_000)).toBe(899)
  })

  it('makes a free-over method free once the goods reach the threshold, inclusive', () => {
    const rate = { kind: 'free_over', price: 399, threshold: 5000 } as const
    expect(shippingPrice(rate, 4999)).toBe(399)
    expect(shippingPrice(rate, 5000)).toBe(0)
  })

  it('offers a country its zone’s methods priced for the order, and says which need an address', () => {
    expect(
      shippingOptions(zones, 'GB', 4200).map(({ method, price, needsAddress }) => [method.id, price, needsAddress]),
    ).toEqual([
      ['standard', 399, true],
      ['pickup', 0, false],
    ])
    expect(shippingOptions(zones, 'GB', 6000).map((o) => o.price)).toEqual([0, 0])
    expect(shippingOptions(zones, 'US', 6000).map((o) => [o.method.id, o.price])).toEqual([['air', 1500]])
    expect(shippingOptions([], 'GB', 6000)).toEqual([])
  })

  describe('what delivery costs before checkout', () => {
    const standard: ShippingMethod = { id: 'std', name: 'Tracked 48', kind: 'free_over', price: 395, threshold: 5000 }
    const express: ShippingMethod = { id: 'exp', name: 'Next day', kind: 'flat', price: 895 }
    const pickup: ShippingMethod = { id: 'pickup', name: 'Collect', kind: 'pickup' }

    it('takes the cheapest delivery and the lowest free threshold, leaving collection out', () => {
      expect(deliveryOffer([express, standard, pickup])).toEqual({ from: 395, freeFrom: 5000, freeMethod: standard })
      expect(deliveryOffer([express, pickup])).toEqual({ from: 895, freeFrom: null, freeMethod: null })
      expect(deliveryOffer([pickup])).toEqual({ from: null, freeFrom: null, freeMethod: null })
      const free: ShippingMethod = { id: 'free', name: 'Free post', kind: 'flat', price: 0 }
      expect(deliveryOffer([standard, free])).toEqual({ from: 0, freeFrom: 0, freeMethod: free })
    })

    it('says how far goods are from free delivery, and that it is free from the threshold on, inclusive', () => {
      const offer = deliveryOffer([express, standard, pickup])
      expect(deliveryStanding(offer, 3750)).toEqual({ kind: 'short', away: 1250, threshold: 5000, from: 395 })
      expect(deliveryStanding(offer, 4999)).toMatchObject({ kind: 'short', away: 1 })
      expect(deliveryStanding(offer, 5000)).toEqual({ kind: 'free', method: standard, threshold: 5000 })
      expect(deliveryStanding(deliveryOffer([express]), 100_000)).toEqual({ kind: 'priced', from: 895 })
      expect(deliveryStanding(deliveryOffer([pickup]), 100)).toBeNull()
    })
  })
})
