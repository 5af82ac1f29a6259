import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import { readableMail } from '../src/testing/smtp.js'
import { demoOwnerWithTwoFactor, mailTo, signInToBackOffice, withShopDb } from './admin-helpers.js'
import { type AppProcess, expect, type ScaledOutShop, test } from './scale-out.js'

// Starting the set-up (a database, the demo shop, two app processes, a worker, nginx) takes a while on a busy machine.
test.describe.configure({ timeout: 240_000 })

/** The app process that answered the latest `method` request for `path` nginx logged (it logs after answering). */
async function servedBy(shop: ScaledOutShop, method: string, path: string): Promise<AppProcess> {
  let address = ''
  await expect
    .poll(() => {
      address = shop.accessLog().findLast((e) => e.method === method && e.uri === path)?.upstream ?? ''
      return address
    }, `nginx logged ${method} ${path}`)
    .not.toBe('')
  const app = shop.apps.find((a) => a.address === address)
  if (!app) throw new Error(`${method} ${path} was answered by ${address}, which is none of the app processes`)
  return app
}

const otherThan = (shop: ScaledOutShop, app: AppProcess) => shop.apps.find((a) => a !== app) as AppProcess

const shownPrice = (html: string) => /<span data-price>([^<]*)<\/span>/.exec(html)?.[1]

test('behind nginx, either of two app processes serves a shopper’s cart and sign-in, and a price change shows on the next view from the other', async ({
  page,
  shop,
  request,
}) => {
  const [a, b] = shop.apps as [AppProcess, AppProcess]
  // Any visitor can send this header; nginx must put the address it sees in its place.
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': '203.0.113.7' })

  await test.step('nginx serves the shop over HTTPS, and sends plain HTTP there, path and query kept', async () => {
    const home = await request.get('/')
    expect(home.status(), 'the home page through nginx').toBe(200)
    expect(home.headers()['x-request-id'], 'an app process answered').toBeTruthy()

    const response = await request.get(`${shop.httpUrl}/categories/bowls?page=2`, { maxRedirects: 0 })
    expect(response.status()).toBe(301)
    // $host is the host name without the port: on 443, the shop's own address.
    expect(response.headers().location).toBe('https://127.0.0.1/categories/bowls?page=2')
  })

  let product = { path: '', title: '', price: '' }
  let cookie = ''
  const sessionCookie = async () => {
    const sid = (await page.context().cookies()).find((c) => c.name === 'sid')
    // Secure: the app knows the visitor is on HTTPS only through nginx's X-Forwarded-Proto and TRUST_PROXY.
    expect(sid?.secure, 'the session cookie is Secure').toBe(true)
    return `sid=${sid?.value}`
  }

  await test.step('a shopper fills a cart through nginx, and each app process shows it', async () => {
    await page.goto('/categories/bowls')
    await page.locator('.product-card a').first().click()
    await expect(page).toHaveURL(/\/products\/[^/]+$/)
    product = {
      path: new URL(page.url()).pathname,
      title: (await page.getByRole('heading', { level: 1 }).textContent()) ?? '',
      price: (await page.locator('.product-price [data-price]').textContent()) ?? '',
    }
    await page.getByRole('button', { name: 'Add to cart' }).click()
    await expect(page.getByRole('status')).toContainText(`Added 1 × ${product.title}`)
    cookie = await sessionCookie()

    const addedBy = await servedBy(shop, 'POST', '/cart/items')
    for (const app of [otherThan(shop, addedBy), addedBy]) {
      const cart = await app.get('/cart', { cookie })
      expect(cart.status, `app ${app.name}: the cart`).toBe(200)
      expect(cart.body, `app ${app.name}: the cart`).toContain('class="cart-table')
      expect(cart.body, `app ${app.name}: the cart`).toContain(product.title)
    }
  })

  await test.step('the shopper signs in through nginx, and each app process knows them and their cart', async () => {
    await page.goto('/login')
    await page.getByLabel('Email address').fill('casey@example.com')
    await page.getByLabel('Password', { exact: true }).fill('juniper customer demo')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('status')).toContainText('Welcome back, Casey Customer.')
    const signedIn = await sessionCookie()
    expect(signedIn, 'signing in starts a new session').not.toBe(cookie)

    const signedInBy = await servedBy(shop, 'POST', '/login')
    // The browser spoke HTTP/2 to nginx (listen … ssl http2), which spoke HTTP/1.1 to the app.
    expect(shop.accessLog().findLast((e) => e.method === 'POST' && e.uri === '/login')?.protocol).toBe('HTTP/2.0')
    for (const app of [otherThan(shop, signedInBy), signedInBy]) {
      const account = await app.get('/account', { cookie: signedIn })
      expect(account.status, `app ${app.name}: the account page`).toBe(200)
      expect(account.body, `app ${app.name}: the account page`).toContain('Casey Customer')
      const cart = await app.get('/cart', { cookie: signedIn })
      expect(cart.body, `app ${app.name}: the cart, kept at sign-in`).toContain(product.title)
      // The session the guest had is gone everywhere, not only on the process that signed them in.
      const before = await app.get('/account', { cookie })
      expect(before.status, `app ${app.name}: the account page for the guest session`).toBe(303)
    }

    // nginx replaced the forged X-Forwarded-For; the app trusted nginx's (TRUST_PROXY) and logged the real address.
    const signIn = await withShopDb(shop, (db) =>
      db
        .selectFrom('audit_log')
        .innerJoin('users', 'users.id', 'audit_log.actor_user_id')
        .select('audit_log.ip')
        .where('audit_log.action', '=', 'sign_in')
        .where('users.email', '=', 'casey@example.com')
        .executeTakeFirst(),
    )
    expect(signIn?.ip).toBe('127.0.0.1')
  })

  await test.step('each app process keeps the product page for anonymous visitors', async () => {
    for (const app of [a, b]) {
      await app.get(product.path)
      const again = await app.get(product.path)
      expect(again.headers['x-cache'], `app ${app.name}: the second anonymous view`).toBe('HIT')
      expect(shownPrice(again.body), `app ${app.name}: the price`).toBe(product.price)
    }
  })

  const newPrice = product.price === '£47.25' ? '48.25' : '47.25'
  let productId = 0
  await test.step('staff change the price through one process, and the other shows it on the very next view', async () => {
    await page.context().clearCookies()
    const owner = await demoOwnerWithTwoFactor(shop)
    await signInToBackOffice(page, owner)
    const slug = product.path.replace('/products/', '')
    const { id } = await withShopDb(shop, (db) =>
      db.selectFrom('products').select('id').where('slug', '=', slug).executeTakeFirstOrThrow(),
    )
    productId = id
    await page.goto(`/admin/products/${id}`)
    await page.getByLabel('Price of variant 1', { exact: true }).fill(newPrice)
    await page.getByRole('button', { name: 'Save the product' }).click()
    await expect(page.getByRole('status')).toContainText('The product is saved.')

    const changedBy = await servedBy(shop, 'POST', `/admin/products/${id}`)
    for (const app of [otherThan(shop, changedBy), changedBy]) {
      const next = await app.get(product.path)
      expect(shownPrice(next.body), `app ${app.name}: the next anonymous view`).toBe(`£${newPrice}`)
      expect(next.headers['x-cache'], `app ${app.name}: the next anonymous view`).toBe('MISS')
      const again = await app.get(product.path)
      expect(again.headers['x-cache'], `app ${app.name}: the view after`).toBe('HIT')
      expect(shownPrice(again.body), `app ${app.name}: the view after`).toBe(`£${newPrice}`)
    }
    const throughNginx = await request.get(product.path)
    expect(shownPrice(await throughNginx.text())).toBe(`£${newPrice}`)

    // Mail goes out only through the worker process (the app processes run with RUN_WORKER=false).
    const notice = await mailTo(shop, owner.email, 'New sign-in to the Juniper & Pine back office')
    expect(readableMail(notice)).toContain('Address: 127.0.0.1')
    expect(readableMail(notice)).not.toContain('203.0.113.7')
  })

  await test.step('staff upload a picture larger than nginx lets other requests be, and the other process serves it', async () => {
    const id = productId
    await page.goto(`/admin/products/${id}/images`)
    // Noise hardly compresses: a photo-sized upload, over the 2 MB nginx allows outside /admin.
    const picture = await sharp(randomBytes(1200 * 800 * 3), { raw: { width: 1200, height: 800, channels: 3 } })
      .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
      .toBuffer()
    expect(picture.length).toBeGreaterThan(2 * 1024 * 1024)
    await page.getByLabel('Alt text', { exact: true }).fill('A bowl, photographed in the grain of the evening light')
    await page
      .getByLabel('Pictures', { exact: true })
      .setInputFiles({ name: 'bowl.jpg', mimeType: 'image/jpeg', buffer: picture })
    await page.getByRole('button', { name: 'Upload the pictures' }).click()
    await expect(page.getByRole('status')).toContainText('The picture is added.')
    const uploaded = page.getByRole('img', { name: 'A bowl, photographed in the grain of the evening light' })
    const src = new URL((await uploaded.first().getAttribute('src')) ?? '', shop.url).pathname

    // The processes share one S3 bucket (s3rver here), as processes on several machines would (deploy/README.md).
    const uploadedBy = await servedBy(shop, 'POST', `/admin/products/${id}/images`)
    const served = await otherThan(shop, uploadedBy).get(src)
    expect(served.status, `app ${otherThan(shop, uploadedBy).name}: ${src}`).toBe(200)
    expect(served.headers['content-type']).toMatch(/^image\//)
  })

  await test.step('nginx shared the requests out over both processes, and logged no error', async () => {
    const answeredBy = new Set(shop.accessLog().map((e) => e.upstream))
    expect(answeredBy).toContain(a.address)
    expect(answeredBy).toContain(b.address)
    expect(shop.errorLog()).toBe('')
  })
})
