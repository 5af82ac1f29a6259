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

// Pages that update in place (the cart, an order waiting for its payment) show the main content the
// server rendered for the new state, and say what changed through one polite live region, made as
// the page loads so that screen readers are already listening to it.
const live = document.querySelector('[data-cart], [data-reload-until-paid]') ? document.createElement('div') : null
if (live) {
  live.className = 'visually-hidden'
  live.setAttribute('aria-live', 'polite')
  live.setAttribute('aria-atomic', 'true')
  document.body.append(live)
}
const say = (text) => {
  if (live) live.textContent = text.trim().replace(/\s+/g, ' ')
}

/** Puts a rendered page's main content and header cart count in place of this page's; returns its message, if any. */
const showMain = (page) => {
  document.querySelector('main').innerHTML = page.querySelector('main').innerHTML
  // Its messages are read out once, through the live region, not again as new status regions.
  for (const region of document.querySelectorAll('main [role="status"], main [role="alert"]')) {
    region.removeAttribute('role')
  }
  const count = page.querySelector('header a[href="/cart"]')
  const here = document.querySelector('header a[href="/cart"]')
  if (count && here) here.innerHTML = count.innerHTML
  return document.querySelector('main .flash, main .error-summary')?.textContent ?? ''
}
const parse = async (response) => new DOMParser().parseFromString(await response.text(), 'text/html')

// Back from a payment page before the provider confirmed it: look again every few seconds and show the order once it changes.
if (document.querySelector('[data-reload-until-paid]')) {
  let tries = 0
  const check = async () => {
    tries++
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', cache: 'no-store' })
      const page = response.ok ? await parse(response) : null
      if (page?.querySelector('main') && !page.querySelector('[data-reload-until-paid]')) {
        showMain(page)
        say('Your payment is confirmed.')
        return
      }
    } catch {
      // Offline for a moment: the next look may work, and the "Check again" link is always there.
    }
    if (tries < 40) setTimeout(check, 3000)
  }
  setTimeout(check, 3000)
}

// The cart: changing a quantity or removing a line updates the page in place. The form is sent as
// it would be without JavaScript, and the page the server answers with (the cart after its
// redirect, or the cart with a message) takes the place of this one's main content.
let sending = false
document.addEventListener('submit', async (event) => {
  const form = event.target
  if (!(form instanceof HTMLFormElement) || !form.closest('[data-cart]') || event.defaultPrevented) return
  event.preventDefault()
  // One change at a time: the page the next one needs is the one this one brings.
  if (sending) return
  sending = true
  let response
  try {
    response = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
    })
  } catch {
    // Not sent at all (offline): the form still works the ordinary way.
    sending = false
    form.submit()
    return
  }
  try {
    const page = await parse(response)
    if (!page.querySelector('main')) {
      location.assign('/cart')
      return
    }
    const lineId = form.closest('tr')?.id
    say(showMain(page))
    // Keep the shopper where they were: the same line's quantity, or the heading when the line is gone.
    const focus =
      (lineId && document.querySelector(`#${lineId} input[name="quantity"]:not([type="hidden"])`)) ||
      document.querySelector('main h1')
    if (focus) {
      if (!focus.matches('input')) focus.setAttribute('tabindex', '-1')
      focus.focus()
    }
  } finally {
    sending = false
  }
})

// A product's picture opens larger in a dialog over the page; without this script its link opens the
// large picture itself. Escape, the Close button or a click outside the picture closes it, and focus
// goes back to the link.
for (const link of document.querySelectorAll('a[data-lightbox]')) {
  link.addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    if (typeof HTMLDialogElement !== 'function') return
    event.preventDefault()
    const alt = link.querySelector('img')?.alt ?? ''
    const dialog = document.createElement('dialog')
    dialog.className = 'lightbox'
    dialog.setAttribute('aria-label', alt || 'Larger picture')
    const close = document.createElement('button')
    close.type = 'button'
    close.className = 'lightbox-close'
    close.textContent = 'Close'
    const image = document.createElement('img')
    image.src = link.getAttribute('href')
    image.alt = alt
    dialog.append(close, image)
    close.addEventListener('click', () => dialog.close())
    dialog.addEventListener('click', (e) => {
      if (e.target === dialog) dialog.close()
    })
    dialog.addEventListener('close', () => {
      dialog.remove()
      link.focus()
    })
    document.body.append(dialog)
    dialog.showModal()
    close.focus()
  })
}
