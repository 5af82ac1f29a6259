import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { formValues } from '../../../lib/forms.js'
import { type IdParams, idOf } from '../../../lib/ids.js'
import { decimalAmount, formatMoney } from '../../../lib/money.js'
import { withFields } from '../../../lib/objects.js'
import { paginate, withFilters } from '../../../lib/pagination.js'
import { validate } from '../../../lib/validation.js'
import {
  selectCoverImages,
  selectProductById,
  selectVariants,
} from '../../../modules/catalogue/catalogue.repository.js'
import { loadCategoryTree, parseJson } from '../../../modules/catalogue/catalogue.service.js'
import { renderDescription } from '../../../modules/catalogue/markdown.js'
import { thumbnail } from '../../../modules/images/images.js'
import { productCsvLines } from '../../../modules/product-imports/product-export.js'
import {
  listAdminProducts,
  PRODUCT_COUNT_CAP,
  PRODUCT_SORTS,
  PRODUCTS_PER_PAGE,
  productFilterParams,
  productListFilter,
  productQuery,
} from '../../../modules/products/product-list.js'
import {
  MAX_OPTIONS,
  readProductForm,
  TAX_CLASSES,
  variantRowNumbers,
} from '../../../modules/products/products.forms.js'
import {
  createAdminProduct,
  duplicateProduct,
  setProductStatus,
  updateAdminProduct,
} from '../../../modules/products/products.service.js'
import { getShopSettings } from '../../../modules/settings/settings.service.js'
import { signedInUser } from '../../../plugins/auth.js'

type Product = NonNullable<Awaited<ReturnType<typeof selectProductById>>>
type Variant = Awaited<ReturnType<typeof selectVariants>>[number]

/** Spare empty variant rows the form offers; "More variant rows" adds this many again. */
const SPARE_ROWS = 2

const STATUS_LABELS = { draft: 'Draft', active: 'Active', archived: 'Archived' } as const

/**
 * Products in the back office: the list (search, filters, sort, pages, CSV),
 * the form shared by new and edit (variants, options, attributes, SEO, a
 * Markdown preview rendered here), and publish / withdraw / archive /
 * duplicate as resources of their own.
 */
export default async function productRoutes(app: FastifyInstance) {
  // One collator for every sort: localeCompare makes one per call, which shows on a busy list page.
  const collator = new Intl.Collator('en')
  async function categories() {
    const tree = await loadCategoryTree(app.db)
    return [...tree.byId.values()]
      .map((c) => ({ id: c.id, name: c.name }))
      .sort((a, b) => collator.compare(a.name, b.name))
  }

  app.get<{ Querystring: Record<string, string> }>('/admin/products', async (request, reply) => {
    const checked = validate(productListFilter, request.query)
    const filter = checked.ok ? checked.value : productListFilter.parse({})
    const shop = await getShopSettings(app.db)
    const { products, total, page } = await listAdminProducts(app.db, filter)
    if (checked.ok && page > 1 && products.length === 0) return reply.callNotFound()
    const covers = new Map(
      (
        await selectCoverImages(
          app.db,
          products.map((p) => p.id),
        )
      ).map((c) => [c.product_id, c]),
    )
    const params = productFilterParams(filter)
    const categoryList = await categories()
    const names = new Map(categoryList.map((c) => [c.id, c.name]))
    return reply.code(checked.ok ? 200 : 422).render('admin/products/index', {
      title: 'Products',
      values: request.query,
      errors: checked.ok ? {} : checked.errors,
      categories: categoryList,
      sorts: PRODUCT_SORTS,
      products: products.map((p) => {
        const cover = covers.get(p.id)
        return withFields(p, {
          statusLabel: STATUS_LABELS[p.status],
          category: p.category_id === null ? '' : (names.get(p.category_id) ?? ''),
          image: cover ? thumbnail(cover, 48) : null,
        })
      }),
      total,
      capped: total >= PRODUCT_COUNT_CAP,
      money: (minor: number) => formatMoney(minor, shop.currency, shop.locale),
      csvHref: withFilters('/admin/products.csv', withFields(params, { sort: '' })),
      pagination: paginate({
        page,
        perPage: PRODUCTS_PER_PAGE,
        total,
        href: (n) => withFilters('/admin/products', withFields(params, { page: n > 1 ? String(n) : '' })),
      }),
    })
  })

  app.get<{ Querystring: Record<string, string> }>('/admin/products.csv', async (request, reply) => {
    const checked = validate(productListFilter, request.query)
    if (!checked.ok)
      return reply.code(422).type('text/plain; charset=utf-8').send(Object.values(checked.errors).join('\n'))
    const shop = await getShopSettings(app.db)
    const lines = productCsvLines(app.db, await productQuery(app.db, checked.value), shop.currency)
    return reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'private, no-store')
      .header('content-disposition', 'attachment; filename="products.csv"')
      .send(Readable.from(lines))
  })

  /** A stored product as the form shows it, with spare empty rows for new variants. */
  function storedValues(product: Product, variants: Variant[], currency: string): Record<string, string> {
    const values: Record<string, string> = {
      title: product.title,
      slug: product.slug,
      description_md: product.description_md,
      seo_title: product.seo_title ?? '',
      seo_description: product.seo_description ?? '',
      category_id: product.category_id === null ? '' : String(product.category_id),
      tax_class: product.tax_class,
      featured: product.featured ? 'yes' : '',
    }
    const optionNames = parseJson<string[]>(product.option_names, [])
    optionNames.forEach((name, i) => {
      values[`option${i + 1}`] = name
    })
    Object.entries(parseJson<Record<string, string>>(product.attributes, {})).forEach(([name, value], i) => {
      values[`attr${i}_name`] = name
      values[`attr${i}_value`] = value
    })
    variants.forEach((v, n) => {
      const options = parseJson<Record<string, string>>(v.options, {})
      Object.assign(values, {
        [`v${n}_id`]: String(v.id),
        [`v${n}_sku`]: v.sku,
        [`v${n}_price`]: decimalAmount(v.price, currency),
        [`v${n}_compare`]: v.compare_at_price === null ? '' : decimalAmount(v.compare_at_price, currency),
        [`v${n}_track`]: v.track_stock ? 'yes' : '',
        [`v${n}_backorder`]: v.allow_backorder ? 'yes' : '',
      })
      optionNames.forEach((name, i) => {
        values[`v${n}_opt${i + 1}`] = options[name] ?? ''
      })
    })
    return values
  }

  async function formPage(
    reply: FastifyReply,
    product: Product | null,
    values: Record<string, string>,
    extra: Record<string, unknown> = {},
  ) {
    const shop = await getShopSettings(app.db)
    const variants = product ? await selectVariants(app.db, product.id) : []
    const rows = variantRowNumbers(values)
    const spare = Math.max(Number(extra.spare ?? SPARE_ROWS), rows.length === 0 ? SPARE_ROWS : 0)
    const next = rows.length > 0 ? Math.max(...rows) + 1 : 0
    const attributeRows = Object.keys(values).filter((k) => /^attr\d+_name$/.test(k)).length
    return reply.render(product ? 'admin/products/edit' : 'admin/products/new', {
      title: product ? product.title : 'New product',
      product: product ? withFields(product, { statusLabel: STATUS_LABELS[product.status] }) : null,
      values,
      errors: {},
      categories: await categories(),
      taxClasses: TAX_CLASSES,
      currency: shop.currency,
      optionSlots: Array.from({ length: MAX_OPTIONS }, (_, i) => i + 1),
      variantRows: [...rows, ...Array.from({ length: spare }, (_, i) => next + i)],
      attributeRows: Array.from({ length: attributeRows + 2 }, (_, i) => i),
      stockOf: new Map(variants.map((v) => [String(v.id), v])),
      preview: null,
      ...extra,
    })
  }

  /**
   * The form's other buttons: "Preview description" shows the Markdown as the
   * shop will, and "More variant rows" adds empty rows. Neither saves.
   */
  function formAction(body: Record<string, string>) {
    if (body._action === 'preview') return { preview: renderDescription(body.description_md ?? '').html }
    if (body._action === 'rows') return { spare: SPARE_ROWS + 3 }
    return null
  }

  app.get('/admin/products/new', async (_request, reply) =>
    formPage(reply, null, { tax_class: 'standard', v0_track: 'yes', v1_track: 'yes' }, { spare: 0 }),
  )

  app.post('/admin/products', async (request, reply) => {
    const body = formValues(request.body)
    const other = formAction(body)
    if (other) return formPage(reply, null, body, withFields(other, { spare: other.spare ?? 0 }))
    const shop = await getShopSettings(app.db)
    const cats = await categories()
    const checked = readProductForm(body, { currency: shop.currency, categoryIds: cats.map((c) => c.id) })
    const result = checked.ok ? await createAdminProduct(app.db, checked.value, signedInUser(request)) : checked
    if ('errors' in result) return formPage(reply.code(422), null, body, { errors: result.errors, spare: 0 })
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The product is saved as a draft. Add its pictures, then publish it.')
    return reply.redirect(`/admin/products/${result.id}`, 303)
  })

  app.get<IdParams>('/admin/products/:id', async (request, reply) => {
    const product = await selectProductById(app.db, idOf(request))
    if (!product) return reply.callNotFound()
    const shop = await getShopSettings(app.db)
    return formPage(reply, product, storedValues(product, await selectVariants(app.db, product.id), shop.currency), {
      spare: 1,
    })
  })

  app.post<IdParams>('/admin/products/:id', async (request, reply) => {
    const product = await selectProductById(app.db, idOf(request))
    if (!product) return reply.callNotFound()
    const body = formValues(request.body)
    const other = formAction(body)
    if (other) return formPage(reply, product, body, withFields(other, { spare: other.spare ?? 0 }))
    const shop = await getShopSettings(app.db)
    const cats = await categories()
    const checked = readProductForm(body, { currency: shop.currency, categoryIds: cats.map((c) => c.id) })
    const result = checked.ok
      ? await updateAdminProduct(app.db, product.id, checked.value, signedInUser(request))
      : checked
    if ('errors' in result) return formPage(reply.code(422), product, body, { errors: result.errors, spare: 0 })
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The product is saved.')
    return reply.redirect(`/admin/products/${product.id}`, 303)
  })

  app.post<IdParams>('/admin/products/:id/publication', async (request, reply) => {
    const result = await setProductStatus(app.db, idOf(request), 'active', signedInUser(request))
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The product is published: it is in the shop now.')
    return reply.redirect(`/admin/products/${result.id}`, 303)
  })

  app.post<IdParams>('/admin/products/:id/withdrawal', async (request, reply) => {
    const result = await setProductStatus(app.db, idOf(request), 'draft', signedInUser(request))
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The product is a draft again: it is no longer in the shop.')
    return reply.redirect(`/admin/products/${result.id}`, 303)
  })

  app.get<IdParams>('/admin/products/:id/archival', async (request, reply) => {
    const product = await selectProductById(app.db, idOf(request))
    if (!product) return reply.callNotFound()
    return reply.render('admin/products/archive', { title: `Archive ${product.title}`, product })
  })

  app.post<IdParams>('/admin/products/:id/archival', async (request, reply) => {
    const result = await setProductStatus(app.db, idOf(request), 'archived', signedInUser(request))
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'The product is archived: its page tells visitors and search engines it is gone.')
    return reply.redirect(`/admin/products/${result.id}`, 303)
  })

  app.post<IdParams>('/admin/products/:id/copies', async (request, reply) => {
    const result = await duplicateProduct(app.db, idOf(request), signedInUser(request))
    if (result.kind !== 'saved') return reply.callNotFound()
    request.flash('success', 'This is a copy, saved as a draft. Check its title and SKUs, then publish it.')
    return reply.redirect(`/admin/products/${result.id}`, 303)
  })
}
