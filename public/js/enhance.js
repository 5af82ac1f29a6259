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
