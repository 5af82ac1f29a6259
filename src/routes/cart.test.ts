import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { updateMethod } from '../modules/settings/shipping-settings.service.js'
import { buildTestApp, type TestShop } from '../testing/app.js'
import { changeProducts, createTestProduct, createTestVariant } from '../testing/catalogue.js'
import { createUser, TEST_PASSWORD } from '../testing/factories.js'
import { htmlErrors } from '../testing/html.js'
import { csrfTokenIn, postForm, sessionCookie } from '../testing/http.js'

describe('the cart', () => {
  let shop: TestShop
  let mug: { large: number; small: number }
  let vaseId: number
  beforeAll(async () => {
    shop = await buildTestApp()
    await createTestProduct(shop.db, {
      title: 'Heather Mug',
      optionNames: ['Size'],
      variants: [
        { sku: 'MUG-S', price: 1800, stock: 10, options: { Size: 'Small' } },
        { sku: 'MUG-L', price: 2200, stock: 3, options: { Size: 'Large' } },
      ],
    })
    await createTestProduct(shop.db, { title: 'Bud Vase', variants: [{ sku: 'VASE', price: 1250, stock: 5 }] })
    const ids = await shop.db.selectFrom('variants').select(['id', 'sku', 'product_id']).execute()
    const id = (sku: string) => ids.find((v) => v.sku === sku)?.id as number
    mug = { small: id('MUG-S'), large: id('MUG-L') }
    vaseId = ids.find((v) => v.sku === 'VASE')?.product_id as number
  })
  afterAll(() => shop.close())

  /** A browser's visit: the cookie it holds and the form token of the last page it read. */
  async function visit(url: string, cookie?: string) {
    const response = await shop.app.inject({ url, headers: cookie ? { cookie } : {} })
    return { response, token: csrfTokenIn(response.body) }
  }

  async function add(fields: Record<string, string>, cookie?: string) {
    const token = cookie ? (await visit('/cart', cookie)).token : undefined
    return postForm(shop.app, '/cart/items', { ...fields, ...(token ? { _csrf: token } : {}) }, { cookie })
  }

  async function lines(cookie: string) {
    const page = await visit('/cart', cookie)
    return [...page.response.body.matchAll(/name="quantity" type="number"[^>]*value="(\d+)"/g)].map((m) => Number(m[1]))
  }

  it('starts a guest cart at the first add, with the price from the catalogue whatever the form says', async () => {
    const added = await add({ variant_id: String(mug.small), quantity: '2', price: '1' })
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toBe('/cart')
    const cookie = sessionCookie(added) as string
    expect(cookie).toBeDefined()
    const cart = await visit('/cart', cookie)
    expect(cart.response.body).toContain('Added 2 × Heather Mug (Small) to your cart.')
    expect(cart.response.body).toContain('£36.00')
    expect(cart.response.body).toMatch(/Cart <span class="cart-count">\(2/)
    expect(cart.response.headers['cache-control']).toBe('private, no-cache')
    expect(await htmlErrors(cart.response.body)).toEqual([])
  })

  it('adds up the same variant and refuses more than the stock, saying how many are left', async () => {
    const first = await add({ variant_id: String(mug.large), quantity: '2' })
    const cookie = sessionCookie(first) as string
    const tooMany = await add({ variant_id: String(mug.large), quantity: '2' }, cookie)
    expect(tooMany.statusCode).toBe(422)
    expect(tooMany.body).toContain('Only 3 left, and 2 are already in your cart')
    // The product page again, with the quantity as typed and the large mug still chosen.
    expect(tooMany.body).toContain('<h1>Heather Mug</h1>')
    expect(tooMany.body).toMatch(/id="f-quantity"[^>]*value="2"[^>]*aria-invalid="true"/)
    expect(tooMany.body).toContain('MUG-L')
    expect(await htmlErrors(tooMany.body)).toEqual([])
    expect(await lines(cookie)).toEqual([2])
    expect((await add({ variant_id: String(mug.large), quantity: '1' }, cookie)).statusCode).toBe(303)
    expect(await lines(cookie)).toEqual([3])
  })

  it('answers a bad quantity or an unknown variant with a message, changing nothing', async () => {
    for (const quantity of ['0', '-1', 'two', '100', '1.5', '']) {
      const response = await add({ variant_id: String(mug.small), quantity })
      expect(response.statusCode, quantity).toBe(422)
      expect(response.body, quantity).toMatch(/Choose at least 1|whole number|at most 99|Enter a quantity/)
      expect(sessionCookie(response), quantity).toBeUndefined()
    }
    for (const variant of ['999999', 'abc', '']) {
      const response = await add({ variant_id: variant, quantity: '1' })
      expect(response.statusCode, variant).toBe(422)
      expect(response.body).toContain('not for sale any more')
    }
    expect(await shop.db.selectFrom('carts').select('id').execute()).toHaveLength(2)
  })

  it('changes a quantity, removes a line, and keeps another cart’s lines out of reach', async () => {
    const mine = sessionCookie(await add({ variant_id: String(mug.small), quantity: '1' })) as string
    const theirs = sessionCookie(await add({ variant_id: String(mug.small), quantity: '4' })) as string
    const [line] = await shop.db.selectFrom('cart_lines').select('id').orderBy('id', 'desc').limit(1).execute()
    const theirLine = line?.id as number

    const page = await visit('/cart', mine)
    const myLine = Number(/action="\/cart\/lines\/(\d+)"/.exec(page.response.body)?.[1])
    const changed = await postForm(
      shop.app,
      `/cart/lines/${myLine}`,
      { quantity: '5', _csrf: page.token as string },
      { cookie: mine },
    )
    expect(changed.statusCode).toBe(303)
    expect(await lines(mine)).toEqual([5])

    const stranger = await visit('/cart', mine)
    const foreign = await postForm(
      shop.app,
      `/cart/lines/${theirLine}`,
      { quantity: '0', _csrf: stranger.token as string },
      { cookie: mine },
    )
    expect(foreign.statusCode).toBe(404)
    expect(foreign.body).toContain('That item is not in your cart')
    expect(await lines(theirs)).toEqual([4])

    const tooMany = await postForm(
      shop.app,
      `/cart/lines/${myLine}`,
      { quantity: '11', _csrf: stranger.token as string },
      { cookie: mine },
    )
    expect(tooMany.statusCode).toBe(422)
    expect(tooMany.body).toContain('Only 10 left')
    expect(await htmlErrors(tooMany.body)).toEqual([])
    expect(await lines(mine)).toEqual([5])

    const removed = await postForm(
      shop.app,
      `/cart/lines/${myLine}`,
      { quantity: '0', _csrf: stranger.token as string },
      { cookie: mine },
    )
    expect(removed.statusCode).toBe(303)
    const empty = await visit('/cart', mine)
    expect(empty.response.body).toContain('Removed Heather Mug from your cart.')
    expect(empty.response.body).toContain('Your cart is empty.')
  })

  it('refuses a form post without the token once the visitor has a session', async () => {
    const cookie = sessionCookie(await add({ variant_id: String(mug.small), quantity: '1' })) as string
    await visit('/cart', cookie)
    const forged = await postForm(shop.app, '/cart/items', { variant_id: String(mug.small), quantity: '1' }, { cookie })
    expect(forged.statusCode).toBe(403)
    expect(await lines(cookie)).toEqual([1])
  })

  it('flags a line that can no longer be bought as it is', async () => {
    const cookie = sessionCookie(await add({ variant_id: String(mug.small), quantity: '1' })) as string
    const vaseVariant = (
      await shop.db.selectFrom('variants').select('id').where('sku', '=', 'VASE').executeTakeFirstOrThrow()
    ).id
    expect((await add({ variant_id: String(vaseVariant), quantity: '1' }, cookie)).statusCode).toBe(303)
    await changeProducts(shop.db, { status: 'archived' }, vaseId)
    const page = await visit('/cart', cookie)
    expect(page.response.body).toContain('This is no longer sold. Remove it to check out')
    await changeProducts(shop.db, { status: 'active' }, vaseId)
  })

  it('keeps anonymous pages free of any cart, and shows the count to a visitor with one', async () => {
    const cookie = sessionCookie(await add({ variant_id: String(mug.small), quantity: '3' })) as string
    const theirs = await shop.app.inject({ url: '/products/heather-mug', headers: { cookie } })
    expect(theirs.body).toMatch(/cart-count">\(3/)
    expect(theirs.headers['x-cache']).toBeUndefined()
    for (let i = 0; i < 2; i++) {
      const anonymous = await shop.app.inject({ url: '/products/heather-mug' })
      expect(anonymous.body).not.toContain('cart-count')
    }
  })

  it('joins a guest cart to the customer’s own at sign-in, never past the stock', async () => {
    const user = await createUser(shop.db, { email: 'cart@example.com' })
    // The customer's cart from another device: 2 large mugs.
    const other = await signIn(user.email)
    await add({ variant_id: String(mug.large), quantity: '2' }, other)

    const guest = sessionCookie(await add({ variant_id: String(mug.large), quantity: '3' })) as string
    await add({ variant_id: String(mug.small), quantity: '1' }, guest)
    const signedIn = await signIn(user.email, guest)
    const quantities = await lines(signedIn)
    // 2 + 3 large mugs would pass the 3 in stock; the small mug came along.
    expect(quantities).toEqual([3, 1])
    expect(await lines(other)).toEqual([3, 1])
    expect(await shop.db.selectFrom('carts').select('id').where('user_id', '=', user.id).execute()).toHaveLength(1)
  })

  async function signIn(email: string, cookie?: string): Promise<string> {
    const form = await visit('/login', cookie)
    const response = await postForm(
      shop.app,
      '/login',
      { email, password: TEST_PASSWORD, ...(form.token ? { _csrf: form.token } : {}) },
      { cookie },
    )
    expect(response.statusCode).toBe(303)
    return sessionCookie(response) as string
  }
})

describe('what delivery costs, before checkout', () => {
  let shop: TestShop
  let mug: number
  beforeAll(async () => {
    shop = await buildTestApp()
    mug = (await createTestVariant(shop.db, { title: 'Heather Mug', sku: 'MUG', price: 1875, stock: 10 })).id
  })
  afterAll(() => shop.close())

  async function cartOf(quantity: number) {
    const cookie = sessionCookie(
      await postForm(shop.app, '/cart/items', { variant_id: String(mug), quantity: String(quantity) }),
    ) as string
    return (await shop.app.inject({ url: '/cart', headers: { cookie } })).body
  }

  it('tells the cart how far it is from free delivery, and when it is there', async () => {
    // 2 × £18.75 = £37.50: £12.50 short of the demo shop's £50.00.
    const short = await cartOf(2)
    expect(short).toContain('<strong>£12.50 away from free delivery</strong>')
    expect(short).toContain('Delivery from £3.95, free on orders of £50.00 or more (United Kingdom).')
    expect(short).not.toContain('Delivery is chosen and priced at checkout')
    expect(await htmlErrors(short)).toEqual([])
    const free = await cartOf(3)
    expect(free).toContain('<strong>Free delivery on this order</strong>')
    expect(free).toContain('Royal Mail Tracked 48 is free on orders of £50.00 or more (United Kingdom).')
  })

  it('lays each cart line out as a card on a phone: picture and title, a labelled quantity, price each and total', async () => {
    const body = await cartOf(2)
    expect(body).toContain('<table class="cart-table cart-lines">')
    expect(body).toMatch(/<td class="cart-item-cell">/)
    expect(body).toMatch(/<td class="cart-unit">£18\.75<span class="cart-each"> each<\/span><\/td>/)
    expect(body).toMatch(
      /<label for="f-line-\d+-quantity"><span class="cart-quantity-word">Quantity<\/span><span class="visually-hidden"> of Heather Mug<\/span><\/label>/,
    )
    expect(body).toMatch(/<td class="numeric cart-line-total">£37\.50<\/td>/)
  })

  it('shows delivery from £3.95 and the threshold on the product page, the same for every visitor, until the settings change', async () => {
    const first = await shop.app.inject({ url: '/products/heather-mug' })
    const note = 'Delivery from £3.95, free on orders of £50.00 or more (United Kingdom)'
    expect(first.body).toContain(`<p class="delivery-note">${note}</p>`)
    expect(await htmlErrors(first.body)).toEqual([])
    const cached = await shop.app.inject({ url: '/products/heather-mug' })
    expect(cached.headers['x-cache']).toBe('HIT')
    // A visitor whose cart is already past the threshold sees the same: the note never depends on a cart.
    const cookie = sessionCookie(
      await postForm(shop.app, '/cart/items', { variant_id: String(mug), quantity: '3' }),
    ) as string
    const theirs = await shop.app.inject({ url: '/products/heather-mug', headers: { cookie } })
    expect(theirs.body).toContain(`<p class="delivery-note">${note}</p>`)

    const owner = await createUser(shop.db, { role: 'owner' })
    const changed = await updateMethod(shop.db, owner, 'uk', 'uk-standard', {
      name: 'Royal Mail Tracked 48',
      kind: 'free_over',
      price: 450,
      threshold: 6000,
    })
    expect(changed.kind).toBe('saved')
    const after = await shop.app.inject({ url: '/products/heather-mug' })
    expect(after.headers['x-cache']).toBe('MISS')
    expect(after.body).toContain('Delivery from £4.50, free on orders of £60.00 or more (United Kingdom)')
    expect(after.body).not.toContain(note)
  })
})
