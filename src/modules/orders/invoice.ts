import PDFDocument from 'pdfkit'
import type { ShopSettings } from '../settings/settings.service.js'
import type { orderSummary } from './place-order.js'

type Summary = Awaited<ReturnType<typeof orderSummary>>

/** The printed invoice number: INV-000042. */
export function invoiceLabel(invoiceNumber: number): string {
  return `INV-${String(invoiceNumber).padStart(6, '0')}`
}

/** An A4 document headed with the shop's name and contact details; `done` gives its bytes once ended. */
function startPdf(title: string, shop: ShopSettings) {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title, Author: shop.shopName } })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))))
  const date = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString(shop.locale, { dateStyle: 'long' }) : '')
  doc.font('Helvetica-Bold').fontSize(18).text(shop.shopName)
  doc
    .font('Helvetica')
    .fontSize(9)
    .text([shop.address, shop.contactEmail, shop.contactPhone].filter(Boolean).join('  ·  '))
  doc.moveDown(1.5)
  return { doc, done, date }
}

/** The address block of an order, one line each. */
function addressLines(o: Summary['order'], countryName: (code: string) => string): string {
  return [
    o.name,
    o.address_line1,
    o.address_line2,
    `${o.city} ${o.postcode}`.trim(),
    o.address_line1 ? countryName(o.country) : '',
  ]
    .filter(Boolean)
    .join('\n')
}

/**
 * The packing slip for the parcel still to send: where it goes and, for each
 * line, how many to pack (what is left to send), with SKU and options; no
 * prices, since it travels in the parcel.
 */
export function renderPackingSlipPdf(
  summary: Summary,
  shop: ShopSettings,
  countryName: (code: string) => string,
  toPack: { id: number; left: number }[],
): Promise<Buffer> {
  const { order: o, lines } = summary
  const { doc, done, date } = startPdf(`Packing slip for order #${o.number}`, shop)
  doc.font('Helvetica-Bold').fontSize(14).text(`Packing slip: order #${o.number}`)
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(`Placed ${date(o.placed_at)}; ${o.shipping_method}`)
  doc.moveDown()
  doc.font('Helvetica-Bold').text('Deliver to')
  doc.font('Helvetica').text(addressLines(o, countryName) || o.name)
  doc.moveDown()
  const left = new Map(toPack.map((line) => [line.id, line.left]))
  doc.font('Helvetica-Bold').text('Quantity', 50, doc.y, { continued: false })
  doc.moveUp().text('Item', 120).moveUp().text('SKU', 420)
  doc.font('Helvetica')
  for (const line of lines) {
    const count = left.get(line.id) ?? 0
    if (count <= 0) continue
    const y = doc.y + 4
    const options = line.options.map(([k, v]) => `${k}: ${v}`).join(', ')
    const item = options ? `${line.title} (${options})` : line.title
    doc.text(String(count), 50, y)
    doc.text(line.sku, 420, y, { width: 125 })
    // The item may wrap: the next row starts below the tallest cell.
    doc.text(item, 120, y, { width: 290 })
    doc.y = y + Math.max(doc.heightOfString(item, { width: 290 }), doc.heightOfString(line.sku, { width: 125 }))
  }
  doc.end()
  return done
}

/**
 * A paid order's invoice as a PDF (pdfkit, built-in Helvetica): the shop,
 * the customer, every line with its tax rate, and the totals exactly as the
 * order stored them. Only WinAnsi characters are written (the standard fonts
 * have no others), so a minus is "-".
 */
export function renderInvoicePdf(
  summary: Summary,
  shop: ShopSettings,
  countryName: (code: string) => string,
): Promise<Buffer> {
  const { order: o, lines, money } = summary
  if (o.invoice_number === null) throw new Error('an unpaid order has no invoice')
  const label = invoiceLabel(o.invoice_number)
  const { doc, done, date } = startPdf(`Invoice ${label}`, shop)
  const right = { width: 495, align: 'right' as const }

  doc.font('Helvetica-Bold').fontSize(14).text(`Invoice ${label}`)
  doc.font('Helvetica').fontSize(10)
  doc.text(`Order #${o.number}, placed ${date(o.placed_at)}; paid ${date(o.paid_at)}`)
  doc.moveDown()
  doc.font('Helvetica-Bold').text('Bill to')
  doc.font('Helvetica').text([addressLines(o, countryName), o.email].filter(Boolean).join('\n'))
  doc.moveDown()

  const columns = [50, 300, 350, 420, 480]
  const row = (cells: string[], bold = false) => {
    const y = doc.y
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica')
    doc.text(cells[0] ?? '', columns[0], y, { width: 240 })
    const bottom = doc.y
    cells.slice(1).forEach((cell, i) => {
      doc.text(cell, columns[i + 1], y, { width: 65, align: 'right' })
    })
    doc.y = Math.max(bottom, doc.y) + 4
    doc.x = 50
  }
  row(['Item', 'Qty', 'Price', 'Tax', 'Total'], true)
  for (const line of lines) {
    const options = line.options.map(([k, v]) => `${k}: ${v}`).join(', ')
    row([
      `${line.title}${options ? ` (${options})` : ''}\nSKU ${line.sku}`,
      String(line.quantity),
      money(line.unit_price),
      `${line.tax_rate / 100}%`,
      money(line.total),
    ])
  }
  doc.moveDown()
  const total = (label: string, amount: string, bold = false) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').text(`${label}   ${amount}`, 50, doc.y, right)
  }
  total('Subtotal', money(o.subtotal))
  if (o.discount_total)
    total(`Discount${o.discount_code ? ` (${o.discount_code})` : ''}`, `-${money(o.discount_total)}`)
  total(`Delivery (${o.shipping_method})`, money(o.shipping_total))
  if (!o.prices_include_tax) total('Tax', money(o.tax_total))
  total('Total', money(o.total), true)
  if (o.prices_include_tax) total('Of which tax', money(o.tax_total))
  doc.end()
  return done
}
