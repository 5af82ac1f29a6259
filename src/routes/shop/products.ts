import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { paginate } from '../../lib/pagination.js'
import {
  type CategoryNode,
  categoryPath,
  chooseVariant,
  descendantIds,
  filterOptionValues,
  listProducts,
  loadCategoryTree,
  lookupProduct,
  productDetails,
} from '../../modules/catalogue/catalogue.service.js'
import { listingIndexable, productIndexable } from '../../modules/catalogue/indexing.js'
import {
  isFiltered,
  listingCanonical,
  listingFilter,
  listingQueryString,
  MAX_PAGES,
  PER_PAGE,
  parseListingQuery,
  SORTS,
} from '../../modules/catalogue/listing.js'
import { breadcrumbJsonLd, largestImageUrl, productJsonLd, productSeo } from '../../modules/catalogue/seo.js'
import { getShopSettings } from '../../modules/settings/settings.service.js'
import { siteOrigin } from '../../plugins/csrf.js'

export default async function productRoutes(app: FastifyInstance) {
  app.get('/products', { config: { pageCache: true } }, (request, reply) => listing(app, request, reply, null))

  app.get<{ Params: { slug: string } }>(
    '/categories/:slug',
    { config: { pageCache: true } },
    async (request, reply) => {
      const tree = await loadCategoryTree(app.db)
      const category = tree.bySlug.get(request.params.slug)
      if (!category) return reply.callNotFound()
      return listing(app, request, reply, category)
    },
  )

  app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/products/:slug',
    { config: { pageCache: true } },
    async (request, reply) => {
      const found = await lookupProduct(app.db, request.params.slug)
      if (found.kind === 'missing') return reply.callNotFound()
      if (found.kind === 'moved') {
        const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
        return reply.redirect(`/products/${encodeURIComponent(found.slug)}${query}`, 301)
      }
      const tree = await loadCategoryTree(app.db)
      const category = categoryPath(tree, found.product.category_id)
      if (found.kind === 'archived') {
        return reply.code(410).render('shop/products/gone', {
          title: `${found.product.title} is no longer available`,
          description: `${found.product.title} is no longer sold. See what else we have.`,
          noindex: true,
          product: found.product,
          category: category.at(-1) ?? null,
        })
      }
      const product = found.product
      const [details, shop] = await Promise.all([productDetails(app.db, product), getShopSettings(app.db)])
      const choice = chooseVariant(details.variants, details.optionNames, request.query)
      const base = siteOrigin(app.config, request)
      const seo = productSeo(product)
      return reply.render('shop/products/show', {
        title: seo.title,
        description: seo.description,
        canonicalPath: `/products/${product.slug}`,
        noindex: !productIndexable(product),
        og: {
          type: 'product',
          imageUrl: details.images[0] ? largestImageUrl(base, details.images[0]) : null,
          imageAlt: details.images[0]?.alt,
        },
        product,
        ...details,
        variant: choice.variant,
        unavailable: choice.unavailable,
        breadcrumbs: [
          ...category.map((c) => ({ name: c.name, href: `/categories/${c.slug}` })),
          { name: product.title, href: null },
        ],
        jsonLd: [
          productJsonLd(base, shop, product, details, category.at(-1)),
          breadcrumbJsonLd(base, [
            ...category.map((c) => ({ name: c.name, path: `/categories/${c.slug}` })),
            { name: product.title, path: `/products/${product.slug}` },
          ]),
        ],
      })
    },
  )

  // The cart issue makes this work; until then the form leads somewhere honest.
  app.post<{ Body: { variant_id?: string } }>('/cart/items', async (_request, reply) => {
    return reply.render('shop/cart/coming', { title: 'The cart opens soon', noindex: true, backTo: null })
  })
}

async function listing(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  category: CategoryNode | null,
) {
  const parsed = parseListingQuery(request.query)
  const { params } = parsed
  const shop = await getShopSettings(app.db)
  const tree = await loadCategoryTree(app.db)
  const path = category ? `/categories/${category.slug}` : '/products'
  const scope = category ?? (params.categorySlug ? tree.bySlug.get(params.categorySlug) : undefined)
  const errors: Record<string, string> = parsed.ok ? {} : { ...parsed.errors }
  if (params.categorySlug && !category && !scope) errors.category = 'Choose a category from the list'
  const { filter, errors: filterErrors } = listingFilter(
    params,
    shop.currency,
    scope ? descendantIds(scope) : undefined,
  )
  Object.assign(errors, filterErrors)
  const optionValues = await filterOptionValues(app.db, 60)
  const crumbs = category ? categoryPath(tree, category.id) : []
  const filtered = isFiltered(params, category !== null)
  const base = {
    title: category ? category.name : 'All products',
    categories: tree.roots,
    category,
    params,
    sorts: SORTS,
    optionGroups: groupOptions(optionValues),
    breadcrumbs: category
      ? [
          { name: 'All products', href: '/products' },
          ...crumbs.map((c) => ({ name: c.name, href: c.id === category.id ? null : `/categories/${c.slug}` })),
        ]
      : [{ name: 'All products', href: null }],
    path,
  }
  if (Object.keys(errors).length) {
    return reply
      .code(400)
      .render('shop/products/index', { ...base, noindex: true, errors, products: [], total: 0, pagination: null })
  }
  const result = await listProducts(app.db, filter, params.sort, params.page, PER_PAGE, MAX_PAGES)
  const totalPages = Math.max(1, Math.ceil(result.total / PER_PAGE))
  if (params.page > totalPages) return reply.callNotFound()
  const pagination = paginate({
    page: params.page,
    perPage: PER_PAGE,
    total: result.total,
    href: (n) => path + listingQueryString(params, n, category !== null),
  })
  const pageSuffix = params.page > 1 ? ` – page ${params.page}` : ''
  return reply.render('shop/products/index', {
    ...base,
    title: `${base.title}${pageSuffix}`,
    description: category
      ? (category.description || `${category.name} from ${shop.shopName}: browse the range and order online.`) +
        pageSuffix
      : `Everything ${shop.shopName} sells, newest first.${pageSuffix}`,
    canonicalPath: listingCanonical(path, params.page),
    noindex: !listingIndexable({ active: filtered }),
    errors: {},
    ...result,
    pagination,
    relLinks: { prev: pagination.prev, next: pagination.next },
    jsonLd: category
      ? [
          breadcrumbJsonLd(siteOrigin(app.config, request), [
            { name: 'All products', path: '/products' },
            ...crumbs.map((c) => ({ name: c.name, path: `/categories/${c.slug}` })),
          ]),
        ]
      : [],
  })
}

function groupOptions(values: { name: string; value: string }[]) {
  const groups = new Map<string, string[]>()
  for (const { name, value } of values) groups.set(name, [...(groups.get(name) ?? []), value])
  return [...groups].map(([name, values]) => ({ name, values }))
}
