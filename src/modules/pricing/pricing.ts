import {
  allocateDiscount,
  assertDiscount,
  type CategorisedLine,
  type Discount,
  type DiscountKind,
  isInScope,
  itemsDiscountAmount,
} from './discounts.js'
import { assertMinor, assertQuantity, InvalidPricingInput } from './guards.js'
import { assertShippingRate, type ShippingRate, shippingPrice } from './shipping.js'
import { assertTaxRates, TAX_CLASSES, type TaxClass, type TaxRates, taxAmount } from './tax.js'

export interface OrderLineInput extends CategorisedLine {
  /** Minor units, including tax when the shop's prices do. */
  unitPrice: number
  quantity: number
  taxClass: TaxClass
}

export interface PriceOrderInput {
  lines: readonly OrderLineInput[]
  /** The shop setting: whether the prices entered (products and shipping) include tax. */
  pricesIncludeTax: boolean
  /** The destination's rates; shipping is taxed at its standard rate. */
  taxRates: TaxRates
  /** The chosen method, priced here on the goods after discount; null when none is chosen yet. */
  shipping: ShippingRate | null
  /** A code that checkDiscount has accepted for this cart, or null. */
  discount: Discount | null
}

/**
 * Amounts of one line or of all of them. `subtotal − discount` is the gross
 * with tax-inclusive prices and the net otherwise; net + tax = gross.
 */
export interface LineAmounts {
  /** Quantity × unit price, before discount. */
  subtotal: number
  discount: number
  net: number
  tax: number
  /** What the customer pays for it. */
  gross: number
}

export interface PricedLine extends LineAmounts {
  unitPrice: number
  quantity: number
  taxClass: TaxClass
  /** Basis points. */
  taxRate: number
  /** Whether the discount code covers this line. */
  inScope: boolean
}

export interface PricedShipping {
  /** The method's price, before any free-shipping code. */
  price: number
  /** What a free-shipping code waived: the whole price, or 0. */
  discount: number
  net: number
  tax: number
  gross: number
  /** Basis points: the destination's standard rate. */
  taxRate: number
}

export interface AppliedDiscount {
  code: string
  kind: DiscountKind
  /** Taken off the goods: the sum of the lines' discounts. */
  items: number
  /** Taken off shipping. */
  shipping: number
  total: number
}

/**
 * Sums of already-rounded line and shipping amounts, so these hold exactly:
 * total = net + tax; with tax-inclusive prices total = subtotal − discount +
 * shipping (tax is the part of it that is tax); with tax-exclusive prices
 * total = subtotal − discount + shipping + tax.
 */
export interface OrderTotals {
  /** The goods before discount, in the terms prices are entered (with tax or without). */
  subtotal: number
  /** Goods and shipping discounts together. */
  discount: number
  /** The shipping price before any free-shipping code. */
  shipping: number
  net: number
  tax: number
  /** What the customer pays. */
  total: number
}

export interface PricedOrder {
  pricesIncludeTax: boolean
  /** In the order of the input lines. */
  lines: PricedLine[]
  /** The lines summed. `items.subtotal − items.discount` is what free-over shipping compares with its threshold. */
  items: LineAmounts
  shipping: PricedShipping | null
  discount: AppliedDiscount | null
  totals: OrderTotals
}

/**
 * Prices a cart or an order. Each line (and shipping) is discounted, then
 * taxed, and rounded once on its own; every total is a sum of those rounded
 * amounts. See README.md in this folder for the rule and its order.
 */
export function priceOrder(input: PriceOrderInput): PricedOrder {
  const { lines, pricesIncludeTax, taxRates, shipping, discount } = input
  assertInput(input)

  const subtotals = lines.map((line, i) => {
    const subtotal = line.unitPrice * line.quantity
    assertMinor(subtotal, `lines[${i}] quantity × unitPrice`)
    return subtotal
  })
  const inScope = lines.map((line) => discount !== null && isInScope(discount.scope, line))
  const scopeSubtotal = subtotals.reduce((sum, s, i) => (inScope[i] ? sum + s : sum), 0)
  const itemsDiscount = discount ? itemsDiscountAmount(discount, scopeSubtotal) : 0
  const allocations = allocateDiscount(itemsDiscount, subtotals, inScope)

  const pricedLines = lines.map((line, i): PricedLine => {
    const subtotal = subtotals[i] as number
    const lineDiscount = allocations[i] as number
    const taxRate = taxRates[line.taxClass]
    return {
      unitPrice: line.unitPrice,
      quantity: line.quantity,
      taxClass: line.taxClass,
      taxRate,
      inScope: inScope[i] as boolean,
      subtotal,
      discount: lineDiscount,
      ...taxAmount(subtotal - lineDiscount, taxRate, pricesIncludeTax),
    }
  })
  const items = sumAmounts(pricedLines)

  let pricedShipping: PricedShipping | null = null
  if (shipping) {
    const price = shippingPrice(shipping, items.subtotal - items.discount)
    const waived = discount?.kind === 'free_shipping' && inScope.some(Boolean) ? price : 0
    const taxRate = taxRates.standard
    pricedShipping = { price, discount: waived, taxRate, ...taxAmount(price - waived, taxRate, pricesIncludeTax) }
  }

  const shippingDiscount = pricedShipping?.discount ?? 0
  const order: PricedOrder = {
    pricesIncludeTax,
    lines: pricedLines,
    items,
    shipping: pricedShipping,
    discount: discount && {
      code: discount.code,
      kind: discount.kind,
      items: items.discount,
      shipping: shippingDiscount,
      total: items.discount + shippingDiscount,
    },
    totals: {
      subtotal: items.subtotal,
      discount: items.discount + shippingDiscount,
      shipping: pricedShipping?.price ?? 0,
      net: items.net + (pricedShipping?.net ?? 0),
      tax: items.tax + (pricedShipping?.tax ?? 0),
      total: items.gross + (pricedShipping?.gross ?? 0),
    },
  }
  // Sums of safe integers can leave the safe range only for absurd carts; refuse rather than be inexact.
  assertMinor(order.totals.total, 'totals.total')
  return order
}

function sumAmounts(lines: readonly LineAmounts[]): LineAmounts {
  const sum: LineAmounts = { subtotal: 0, discount: 0, net: 0, tax: 0, gross: 0 }
  for (const line of lines) {
    sum.subtotal += line.subtotal
    sum.discount += line.discount
    sum.net += line.net
    sum.tax += line.tax
    sum.gross += line.gross
  }
  return sum
}

function assertInput({ lines, taxRates, shipping, discount }: PriceOrderInput): void {
  assertTaxRates(taxRates)
  lines.forEach((line, i) => {
    assertMinor(line.unitPrice, `lines[${i}].unitPrice`)
    assertQuantity(line.quantity, `lines[${i}].quantity`)
    if (!TAX_CLASSES.includes(line.taxClass)) {
      throw new InvalidPricingInput(`lines[${i}].taxClass`, line.taxClass, TAX_CLASSES.join(', '))
    }
  })
  if (shipping) assertShippingRate(shipping)
  if (discount) assertDiscount(discount)
}
