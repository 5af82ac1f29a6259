// Progressive enhancement only: every form works without this file.
// Stops a second submission of the same form while the first is on its way.
document.addEventListener('submit', (event) => {
  const form = event.target
  if (!(form instanceof HTMLFormElement)) return
  if (form.dataset.submitting === 'true') {
    event.preventDefault()
    return
  }
  form.dataset.submitting = 'true'
  for (const button of form.querySelectorAll('button[type="submit"], button:not([type])')) {
    button.setAttribute('aria-busy', 'true')
  }
})

// A page restored from the back/forward cache gets its forms back.
window.addEventListener('pageshow', (event) => {
  if (!event.persisted) return
  for (const form of document.querySelectorAll('form[data-submitting]')) {
    delete form.dataset.submitting
    for (const button of form.querySelectorAll('[aria-busy]')) button.removeAttribute('aria-busy')
  }
})

// Browsers that ignore autofocus on a non-control element still move focus to the error summary.
const summary = document.querySelector('.error-summary')
if (summary && document.activeElement !== summary) summary.focus()

// The option form updates the price, stock, SKU and the cart form in place instead of loading the page again.
const variantForm = document.querySelector('[data-variant-form]')
const variantData = document.getElementById('variants-data')
if (variantForm && variantData) {
  const variants = JSON.parse(variantData.textContent || '[]')
  const show = (selector, text) => {
    const el = document.querySelector(selector)
    if (el) el.textContent = text
  }
  const update = () => {
    const chosen = {}
    for (const select of variantForm.querySelectorAll('[data-option]')) chosen[select.dataset.option] = select.value
    const variant = variants.find((v) => Object.entries(chosen).every(([name, value]) => v.options[name] === value))
    const add = document.querySelector('[data-add]')
    if (!variant) {
      show('[data-stock]', 'This combination is not made')
      if (add) add.disabled = true
      return
    }
    show('[data-price]', variant.price)
    show('[data-stock]', variant.stock)
    show('[data-sku]', variant.sku)
    const compare = document.querySelector('[data-compare-at]')
    if (compare) compare.hidden = !variant.compareAt
    show('[data-compare-at-amount]', variant.compareAt || '')
    const id = document.querySelector('[data-variant-id]')
    if (id) id.value = String(variant.id)
    if (add) add.disabled = !variant.available
    history.replaceState(null, '', `?${new URLSearchParams(chosen)}`)
  }
  variantForm.addEventListener('change', update)
  const submit = variantForm.querySelector('[data-variant-submit]')
  if (submit) submit.hidden = true
  const stock = document.querySelector('[data-stock]')
  if (stock) stock.setAttribute('aria-live', 'polite')
}

// Back from a payment page before the provider confirmed it: look again every few seconds, and show the order once it changes.
const waiting = document.querySelector('[data-reload-until-paid]')
if (waiting) {
  let tries = 0
  const check = async () => {
    tries++
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', cache: 'no-store' })
      if (response.ok && !(await response.text()).includes('data-reload-until-paid')) {
        location.reload()
        return
      }
    } catch {
      // Offline for a moment: the next look may work, and the link is always there.
    }
    if (tries < 40) setTimeout(check, 3000)
  }
  setTimeout(check, 3000)
}

// The cart: changing a quantity or removing a line updates the page in place. The form is sent as
// it would be without JavaScript, and the page the server answers with (the cart after its
// redirect, or the cart with a message) replaces the main content and the header's count.
let announcer = null
const announce = (text) => {
  if (!announcer) {
    announcer = document.createElement('div')
    announcer.className = 'visually-hidden'
    announcer.setAttribute('aria-live', 'polite')
    document.body.append(announcer)
  }
  announcer.textContent = text
}
document.addEventListener('submit', async (event) => {
  const form = event.target
  if (!(form instanceof HTMLFormElement) || !form.closest('[data-cart]') || event.defaultPrevented) return
  event.preventDefault()
  try {
    const response = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
    })
    const page = new DOMParser().parseFromString(await response.text(), 'text/html')
    const main = page.querySelector('main')
    if (!main?.querySelector('[data-cart]')) throw new Error('not the cart')
    const lineId = form.closest('tr')?.id
    document.querySelector('main').innerHTML = main.innerHTML
    const count = page.querySelector('a[href="/cart"]')
    const here = document.querySelector('header a[href="/cart"]')
    if (count && here) here.innerHTML = count.innerHTML
    const message = document.querySelector('main .flash, main .error-summary')
    if (message) announce(message.textContent.trim().replace(/\s+/g, ' '))
    // Keep the shopper where they were: the same line's quantity, or the cart's heading when the line is gone.
    const focus =
      (lineId && document.querySelector(`#${lineId} input[name="quantity"]:not([type="hidden"])`)) ||
      document.querySelector('main h1')
    if (focus) {
      if (!focus.matches('input')) focus.setAttribute('tabindex', '-1')
      focus.focus()
    }
  } catch {
    // Whatever went wrong, the form still works the ordinary way.
    form.submit()
  }
})
