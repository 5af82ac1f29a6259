import type { Product } from '../../db/schema.js'
import { decimalAmount } from '../../lib/money.js'
import { imageUrl } from '../images/images.js'
import type { ShopSettings } from '../settings/settings.service.js'
import type { CategoryNode, VariantView } from './catalogue.service.js'
import { excerpt } from './markdown.js'

export function productSeo(product: Pick<Product, 'title' | 'seo_title' | 'seo_description' | 'description_text'>) {
  return {
    title: product.seo_title || product.title,
    description: product.seo_description || excerpt(product.description_text || product.title),
  }
}

type Json = Record<string, unknown>

interface StoredImage {
  key: string
  widths: string
}

export function largestImageUrl(base: string, image: StoredImage): string {
  const widths = JSON.parse(image.widths) as number[]
  return base + imageUrl(image.key, Math.max(...widths), 'jpg')
}

/** schema.org Product with one Offer per variant. */
export function productJsonLd(
  base: string,
  shop: Pick<ShopSettings, 'currency' | 'shopName'>,
  product: Product,
  details: { variants: VariantView[]; images: StoredImage[] },
  category: CategoryNode | undefined,
): Json {
  const url = `${base}/products/${product.slug}`
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: product.title,
    description: excerpt(product.description_text || product.title, 5000),
    url,
    image: details.images.map((image) => largestImageUrl(base, image)),
    ...(details.variants.length === 1 && details.variants[0] ? { sku: details.variants[0].sku } : {}),
    ...(category ? { category: category.name } : {}),
    brand: { '@type': 'Brand', name: shop.shopName },
    offers: details.variants.map((v) => ({
      '@type': 'Offer',
      sku: v.sku,
      price: decimalAmount(v.price, shop.currency),
      priceCurrency: shop.currency,
      availability: v.available
        ? v.stockLabel === 'Available on backorder'
          ? 'https://schema.org/BackOrder'
          : 'https://schema.org/InStock'
        : 'https://schema.org/OutOfStock',
      url: details.variants.length > 1 ? `${url}?${variantQuery(v)}` : url,
      itemCondition: 'https://schema.org/NewCondition',
    })),
  }
}

export function variantQuery(v: { options: Record<string, string> }): string {
  return new URLSearchParams(v.options).toString()
}

export function breadcrumbJsonLd(base: string, items: { name: string; path: string }[]): Json {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: items.map((item, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      name: item.name,
      item: base + item.path,
    })),
  }
}

export function homeJsonLd(base: string, shop: ShopSettings): Json[] {
  return [
    {
      '@context': 'https://schema.org',
      '@type': 'Organization',
      name: shop.shopName,
      url: `${base}/`,
      logo: `${base}/favicon.ico`,
      ...(shop.contactEmail ? { email: shop.contactEmail } : {}),
      ...(shop.contactPhone ? { telephone: shop.contactPhone } : {}),
    },
    {
      '@context': 'https://schema.org',
      '@type': 'WebSite',
      name: shop.shopName,
      url: `${base}/`,
      potentialAction: {
        '@type': 'SearchAction',
        target: { '@type': 'EntryPoint', urlTemplate: `${base}/search?q={search_term_string}` },
        'query-input': 'required name=search_term_string',
      },
    },
  ]
}

/** JSON for a <script type="application/ld+json">: "<" escaped so no text can close the element. */
export function jsonLdScript(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
