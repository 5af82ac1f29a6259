import { describe, expect, it } from 'vitest'
import { excerpt, renderDescription } from './markdown.js'

describe('product descriptions', () => {
  it('renders Markdown to HTML and plain text', () => {
    const { html, text } = renderDescription(
      '# Big mug\n\nThrown **by hand** in [Bristol](https://example.com).\n\n- holds 350 ml',
    )
    expect(html).toContain('<h2>Big mug</h2>')
    expect(html).toContain('<strong>by hand</strong>')
    expect(html).toContain('<a href="https://example.com" rel="nofollow noopener">Bristol</a>')
    expect(html).toContain('<li>holds 350 ml</li>')
    expect(text).toBe('Big mug Thrown by hand in Bristol. holds 350 ml')
  })

  it('never lets script, event handlers or javascript: links through', () => {
    const { html } = renderDescription(
      '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1))\n\n<a href="javascript:alert(1)">x</a>',
    )
    expect(html).not.toMatch(/<script|<img|<[^>]*onerror|href="javascript/i)
    expect(html).toContain('&lt;script&gt;')
  })

  it('cuts long text at a word boundary', () => {
    expect(excerpt('short')).toBe('short')
    const long = 'word '.repeat(60)
    const cut = excerpt(long, 50)
    expect(cut.length).toBeLessThanOrEqual(50)
    expect(cut.endsWith('word…')).toBe(true)
  })
})
