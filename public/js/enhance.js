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
