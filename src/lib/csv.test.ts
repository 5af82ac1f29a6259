import { describe, expect, it } from 'vitest'
import { csvCell, csvLines, csvRow } from './csv.js'

describe('CSV', () => {
  it('quotes cells with commas, quotes and line breaks, and leaves numbers and plain text alone', () => {
    expect(csvRow(['Ada', 'Lovelace, Ada', 'She said "hi"', 'two\nlines', 1250, null])).toBe(
      'Ada,"Lovelace, Ada","She said ""hi""","two\nlines",1250,\r\n',
    )
  })

  it('keeps text a spreadsheet would run as a formula as text', () => {
    for (const attack of ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) {
      expect(csvCell(attack).replace(/^"/, '').startsWith("'")).toBe(true)
    }
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell(-5)).toBe('-5')
  })

  it('streams every page of rows after the header', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ id: 25 - i, name: `n${25 - i}` }))
    const fetch = async (before: number | null, batch: number) =>
      rows.filter((r) => before === null || r.id < before).slice(0, batch)
    let text = ''
    for await (const chunk of csvLines(['id', 'name'], fetch, (r) => [r.id, r.name], 10)) text += chunk
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toBe('\uFEFFid,name')
    expect(lines.slice(1)).toEqual(rows.map((r) => `${r.id},${r.name}`))
  })
})
