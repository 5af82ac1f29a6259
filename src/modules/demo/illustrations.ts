import type { Db } from '../../db/connection.js'
import type { MediaStorage } from '../../lib/media-storage/index.js'
import type { Progress } from '../../lib/progress.js'
import { type StoredImage, storeImage } from '../images/images.js'
import { saveImages } from '../images/images.repository.js'

/**
 * Drawn pictures of the demo shop's goods, so "Juniper & Pine" looks like a
 * shop without shipping photographs. Each is an SVG made from (kind,
 * variant) alone, with no text (fonts differ between machines) and no
 * randomness, so every seeded shop has the same pictures under the same keys.
 */

/** One per department of the demo catalogue (src/modules/demo/catalogue.seed.ts names them). */
export const ILLUSTRATION_KINDS = ['mug', 'bowl', 'vase', 'linen', 'plant', 'cactus', 'candle', 'notebook'] as const
export type IllustrationKind = (typeof ILLUSTRATION_KINDS)[number]

export const ILLUSTRATION_SIZE = 1200

interface Palette {
  bg: string
  surface: string
  body: string
  light: string
  shade: string
  accent: string
  leaf: string
  leafDark: string
}

const PALETTES: readonly Palette[] = [
  // sage
  {
    bg: '#eef1ea',
    surface: '#dfe5d8',
    body: '#9db59a',
    light: '#c5d6c1',
    shade: '#6e8c6b',
    accent: '#f5efe2',
    leaf: '#5b8a5e',
    leafDark: '#3e6a45',
  },
  // terracotta
  {
    bg: '#f7ede4',
    surface: '#ecdccd',
    body: '#c87552',
    light: '#e0a083',
    shade: '#9c5337',
    accent: '#f4e6d4',
    leaf: '#6b9a5b',
    leafDark: '#466f3c',
  },
  // ink
  {
    bg: '#e9eef4',
    surface: '#d6dfe9',
    body: '#41618c',
    light: '#6f8fb8',
    shade: '#2c4466',
    accent: '#f1ede3',
    leaf: '#4f8a6a',
    leafDark: '#31634b',
  },
  // oat
  {
    bg: '#f6f1e7',
    surface: '#e9e0cf',
    body: '#d8c6a4',
    light: '#ece0c6',
    shade: '#b29c76',
    accent: '#7b8c6a',
    leaf: '#6f9562',
    leafDark: '#4b6d40',
  },
  // rose clay
  {
    bg: '#f8ecea',
    surface: '#eed9d5',
    body: '#d79f97',
    light: '#ecc4be',
    shade: '#b27870',
    accent: '#fbf3ee',
    leaf: '#6a9473',
    leafDark: '#456b4f',
  },
  // charcoal
  {
    bg: '#efeeeb',
    surface: '#dedcd6',
    body: '#4d4c4a',
    light: '#767470',
    shade: '#333230',
    accent: '#e6dcc8',
    leaf: '#5e8f6b',
    leafDark: '#3c6347',
  },
  // mustard
  {
    bg: '#f8f2e0',
    surface: '#ece2c3',
    body: '#d4a43c',
    light: '#e8c778',
    shade: '#a97f25',
    accent: '#fbf5e6',
    leaf: '#5f8d55',
    leafDark: '#3f6637',
  },
  // juniper
  {
    bg: '#e7efec',
    surface: '#d2e0da',
    body: '#2f6b5e',
    light: '#5b9585',
    shade: '#214d44',
    accent: '#f0ebdd',
    leaf: '#7aa36a',
    leafDark: '#4f7a45',
  },
]
/** Each kind is drawn in a few forms (a bottle, an ovoid or a jug for a vase…). */
const FORMS = 3
/** Variants 0 … DISTINCT_DRAWINGS-1 of a kind are different drawings; later ones move the light a little. */
const DISTINCT_DRAWINGS = 24 // lcm(palettes, forms): every (palette, form) pair once

/** Rounds a coordinate so the SVG text is short and the same on every machine. */
const n = (x: number) => String(Math.round(x * 10) / 10)

/** A small deterministic generator (mulberry32) for speckles and the like; the demo seeders share it. */
export function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Drawing {
  /** Elements behind the object's shadow (nothing yet) and the object itself. */
  body: string
  /** Half-width of the shadow on the table. */
  shadow: number
}

type Draw = (p: Palette, form: number, rnd: () => number) => Drawing

const BASE = 900 // where objects stand on the table, as drawn
/** The objects are drawn small and enlarged, so they fill a square thumbnail. */
const SCALE = 1.3
const LIFT = 40

/** A flame standing on (x, y). */
function flame(x: number, y: number, scale = 1): string {
  return `<circle cx="${n(x)}" cy="${n(y - 60 * scale)}" r="${n(110 * scale)}" fill="url(#flameglow)"/>
<g transform="translate(${n(x)} ${n(y)}) scale(${scale})">
<path d="M0 0 C 28 -30 24 -74 0 -118 C -24 -74 -28 -30 0 0 Z" fill="#f2a93b"/>
<path d="M0 -6 C 14 -24 12 -50 0 -76 C -12 -50 -14 -24 0 -6 Z" fill="#fff1c4"/>
</g>`
}

/** Leaves along a quadratic curve from (x0, y0) through control (cx, cy) to (x1, y1): a sprig of eucalyptus or olive. */
function sprig(
  x0: number,
  y0: number,
  cx: number,
  cy: number,
  x1: number,
  y1: number,
  leaves: number,
  p: Palette,
  round: boolean,
): string {
  let out = `<path d="M${n(x0)} ${n(y0)} Q ${n(cx)} ${n(cy)} ${n(x1)} ${n(y1)}" fill="none" stroke="${p.leafDark}" stroke-width="7" stroke-linecap="round"/>`
  for (let i = 1; i <= leaves; i++) {
    const t = i / (leaves + 0.4)
    const x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x1
    const y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y1
    const dx = 2 * (1 - t) * (cx - x0) + 2 * t * (x1 - cx)
    const dy = 2 * (1 - t) * (cy - y0) + 2 * t * (y1 - cy)
    const angle = (Math.atan2(dy, dx) * 180) / Math.PI + (i % 2 === 0 ? 55 : -55)
    const size = 1 - t * 0.45
    out += round
      ? `<ellipse cx="${n(x)}" cy="${n(y)}" rx="${n(30 * size)}" ry="${n(26 * size)}" fill="${i % 2 ? p.leaf : p.leafDark}" opacity=".92"/>`
      : `<ellipse cx="0" cy="0" rx="${n(42 * size)}" ry="${n(13 * size)}" fill="${i % 2 ? p.leaf : p.leafDark}" transform="translate(${n(x)} ${n(y)}) rotate(${n(angle)}) translate(${n(34 * size)} 0)"/>`
  }
  return out
}

const mug: Draw = (p, form, rnd) => {
  // Three shapes: a mug, a tall tumbler with no handle, a wide cup on its saucer.
  const { w, top } = [
    { w: 190, top: 500 },
    { w: 150, top: 420 },
    { w: 230, top: 620 },
  ][form] ?? { w: 190, top: 500 }
  const left = 600 - w
  const right = 600 + w
  let decoration = ''
  if (form === 0) {
    decoration = `<path d="M${left} ${top + 200} Q 460 ${top + 176} 510 ${top + 202} T 610 ${top + 198} T 710 ${top + 204} T ${right} ${top + 194} L${right} 820 Q${right} 900 ${right - 80} 900 L${left + 80} 900 Q${left} 900 ${left} 820 Z" fill="${p.accent}" opacity=".9"/>`
  } else if (form === 1) {
    decoration = [top + 120, top + 170, top + 220]
      .map((y) => `<rect x="${left}" y="${y}" width="${2 * w}" height="18" fill="${p.accent}" opacity=".85"/>`)
      .join('')
  } else {
    for (let i = 0; i < 46; i++) {
      decoration += `<circle cx="${n(left + 20 + rnd() * (2 * w - 40))}" cy="${n(top + 40 + rnd() * (860 - top))}" r="${n(3 + rnd() * 4)}" fill="${p.shade}" opacity=".55"/>`
    }
  }
  const handle =
    form === 1
      ? ''
      : `<path d="M${right - 10} ${top + 85} C ${right + 145} ${top + 85} ${right + 145} ${top + (form === 2 ? 225 : 305)} ${right - 10} ${top + (form === 2 ? 225 : 305)}" fill="none" stroke="${p.shade}" stroke-width="46" stroke-linecap="round"/>`
  const saucer =
    form === 2
      ? `<ellipse cx="600" cy="898" rx="330" ry="44" fill="${p.shade}"/><ellipse cx="600" cy="888" rx="310" ry="36" fill="${p.light}"/>`
      : ''
  return {
    shadow: form === 2 ? 340 : 260,
    body: `<path d="M560 ${top - 60} c -34 -44 30 -76 0 -124 M640 ${top - 60} c -34 -44 30 -76 0 -124" fill="none" stroke="#ffffff" stroke-width="14" stroke-linecap="round" opacity=".7"/>
${saucer}
${handle}
<path d="M${left} ${top} L${left} 820 Q${left} 900 ${left + 80} 900 L${right - 80} 900 Q${right} 900 ${right} 820 L${right} ${top} Z" fill="url(#body)"/>
${decoration}
<ellipse cx="600" cy="${top}" rx="${w}" ry="40" fill="${p.light}"/>
<ellipse cx="600" cy="${top + 6}" rx="${w - 22}" ry="30" fill="#6b4a36"/>
<ellipse cx="560" cy="${top}" rx="70" ry="9" fill="#ffffff" opacity=".18"/>`,
  }
}

const bowl: Draw = (p, form, rnd) => {
  let inside = ''
  let outside = ''
  if (form === 0) {
    // Lemons
    for (const [x, y, r] of [
      [500, 600, 82],
      [690, 596, 78],
      [598, 560, 86],
    ] as const) {
      inside += `<ellipse cx="${x}" cy="${y}" rx="${r}" ry="${r * 0.86}" fill="#f1cf4b"/><ellipse cx="${x - r * 0.3}" cy="${y - r * 0.35}" rx="${r * 0.3}" ry="${r * 0.18}" fill="#ffffff" opacity=".35"/>`
    }
    inside += `<path d="M600 478 q 40 -40 90 -20 q -40 40 -90 20 Z" fill="${p.leaf}"/>`
  } else if (form === 1) {
    for (let i = 0; i < 60; i++) {
      const x = 340 + rnd() * 520
      const y = 680 + rnd() * 190
      if ((x - 600) ** 2 / 290 ** 2 + (y - 640) ** 2 / 250 ** 2 < 1) {
        outside += `<circle cx="${n(x)}" cy="${n(y)}" r="${n(3 + rnd() * 4)}" fill="${p.shade}" opacity=".5"/>`
      }
    }
  } else {
    outside = `<path d="M322 722 Q 392 700 462 722 T 602 722 T 742 722 T 878 716" fill="none" stroke="${p.accent}" stroke-width="16" stroke-linecap="round"/>`
  }
  return {
    shadow: 300,
    body: `<ellipse cx="600" cy="640" rx="300" ry="56" fill="${p.light}"/>
<ellipse cx="600" cy="644" rx="276" ry="44" fill="${p.shade}"/>
${inside}
<path d="M300 640 C 300 800 420 900 600 900 C 780 900 900 800 900 640 A 300 56 0 0 1 300 640 Z" fill="url(#body)"/>
${outside}
<path d="M300 640 A 300 56 0 0 0 900 640" fill="none" stroke="${p.light}" stroke-width="10"/>`,
  }
}

const vase: Draw = (p, form) => {
  const shapes = [
    {
      d: 'M560 380 L560 470 C 560 520 440 560 440 700 C 440 830 500 900 600 900 C 700 900 760 830 760 700 C 760 560 640 520 640 470 L640 380 Z',
      lip: [380, 48],
      band: 640,
      shadow: 170,
    },
    {
      d: 'M540 420 C 430 480 420 620 450 760 C 470 850 520 900 600 900 C 680 900 730 850 750 760 C 780 620 770 480 660 420 Z',
      lip: [420, 62],
      band: 560,
      shadow: 160,
    },
    {
      d: 'M530 520 C 380 560 360 800 470 880 Q 500 900 600 900 Q 700 900 730 880 C 840 800 820 560 670 520 Z',
      lip: [520, 72],
      band: 700,
      shadow: 220,
    },
  ] as const
  const s = shapes[form] ?? shapes[0]
  const [top, half] = s.lip
  // As high as the frame allows once the scene is enlarged.
  const reach = Math.min(320, top - 230)
  const stems =
    sprig(590, top, 530, top - reach * 0.4, 450, top - reach * 0.8, 6, p, form !== 1) +
    sprig(606, top, 640, top - reach * 0.5, 612, top - reach, 7, p, form !== 1) +
    sprig(614, top, 690, top - reach * 0.35, 770, top - reach * 0.7, 5, p, form !== 1)
  return {
    shadow: s.shadow,
    body: `${stems}
<clipPath id="vase"><path d="${s.d}"/></clipPath>
<path d="${s.d}" fill="url(#body)"/>
<rect x="300" y="${s.band}" width="600" height="22" fill="${p.accent}" opacity=".8" clip-path="url(#vase)"/>
<ellipse cx="600" cy="${top}" rx="${half}" ry="${Math.round(half / 4)}" fill="${p.shade}"/>
<path d="M${600 - half + 10} ${top + 40} q -30 120 0 260" fill="none" stroke="#ffffff" stroke-width="14" stroke-linecap="round" opacity=".22"/>`,
  }
}

const linen: Draw = (p, form) => {
  const slab = (x: number, y: number, w: number, h: number, fill: string, extra = '') =>
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="26" fill="${fill}"/>${extra}
<rect x="${x + 14}" y="${y + 8}" width="${w - 28}" height="14" rx="7" fill="#ffffff" opacity=".28"/>
<path d="M${x + 26} ${y + h - 20} H ${x + w - 26}" stroke="#000000" stroke-opacity=".08" stroke-width="6" stroke-linecap="round"/>
<path d="M${x + 8} ${y + 30} q -18 ${h / 2 - 30} 0 ${h - 60}" fill="none" stroke="#000000" stroke-opacity=".1" stroke-width="5"/>`
  const stripes = (x: number, y: number, h: number) =>
    `<rect x="${x}" y="${y}" width="14" height="${h}" fill="${p.shade}" opacity=".7"/><rect x="${x + 26}" y="${y}" width="6" height="${h}" fill="${p.shade}" opacity=".7"/>`
  const gingham = (x: number, y: number, w: number, h: number) =>
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="26" fill="url(#gingham)"/>`
  let out = slab(310, 790, 580, 110, p.body)
  out += slab(330, 690, 540, 100, p.accent, stripes(780, 690, 100))
  if (form === 0) {
    out += slab(350, 600, 500, 90, p.light)
  } else if (form === 1) {
    out += slab(350, 600, 500, 90, p.accent, gingham(350, 600, 500, 90))
  } else {
    out += slab(350, 600, 500, 90, p.light)
    out += `<rect x="520" y="596" width="34" height="308" fill="${p.shade}" opacity=".85"/>`
    out += sprig(520, 600, 600, 560, 760, 520, 7, { ...p, leaf: '#9b86c4', leafDark: '#6f5c99' }, false)
  }
  return { shadow: 320, body: out }
}

const plant: Draw = (p, form, rnd) => {
  const count = 7 + form * 2
  let leaves = ''
  for (let i = 0; i < count; i++) {
    const angle = -78 + (156 * i) / (count - 1) + (rnd() - 0.5) * 10
    const length = 230 + (1 - Math.abs(angle) / 90) * 130 + rnd() * 30
    const width = form === 1 ? 34 : form === 2 ? 78 : 58
    const fill = i % 2 ? p.leaf : p.leafDark
    leaves += `<g transform="translate(600 690) rotate(${n(angle)})">
<path d="M0 0 C ${width} ${n(-length * 0.3)} ${width} ${n(-length * 0.75)} 0 ${n(-length)} C ${-width} ${n(-length * 0.75)} ${-width} ${n(-length * 0.3)} 0 0 Z" fill="${fill}"/>
<path d="M0 -10 L0 ${n(-length * 0.9)}" stroke="#ffffff" stroke-opacity=".25" stroke-width="5"/></g>`
  }
  return {
    shadow: 190,
    body: `${leaves}
<path d="M455 720 L745 720 L715 900 L485 900 Z" fill="url(#body)"/>
<rect x="432" y="676" width="336" height="64" rx="12" fill="${p.light}"/>
<rect x="432" y="676" width="336" height="16" rx="8" fill="#ffffff" opacity=".2"/>`,
  }
}

const cactus: Draw = (p, form) => {
  let plantPart = ''
  if (form === 0) {
    // An echeveria rosette seen a little from above
    const rings = [
      { count: 10, length: 250, colour: '#7fa596', offset: 0 },
      { count: 8, length: 185, colour: '#98bcac', offset: 20 },
      { count: 6, length: 120, colour: '#b8d3c6', offset: 36 },
      { count: 4, length: 62, colour: '#d3e6dc', offset: 10 },
    ]
    for (const ring of rings) {
      for (let i = 0; i < ring.count; i++) {
        const angle = (360 * i) / ring.count + ring.offset
        plantPart += `<g transform="translate(600 676) scale(1 .6) rotate(${n(angle)})"><path d="M0 0 C 48 -40 36 ${n(-ring.length * 0.8)} 0 ${-ring.length} C -36 ${n(-ring.length * 0.8)} -48 -40 0 0 Z" fill="${ring.colour}" stroke="#5f8577" stroke-width="4"/></g>`
      }
    }
  } else if (form === 1) {
    plantPart = `<path d="M555 520 C 470 520 470 420 480 380" fill="none" stroke="${p.leafDark}" stroke-width="66" stroke-linecap="round"/>
<path d="M645 600 C 730 600 730 520 722 470" fill="none" stroke="${p.leafDark}" stroke-width="60" stroke-linecap="round"/>
<rect x="540" y="330" width="120" height="400" rx="60" fill="${p.leaf}"/>
<path d="M580 360 V 720 M620 360 V 720" stroke="${p.leafDark}" stroke-opacity=".45" stroke-width="6"/>
<circle cx="600" cy="336" r="22" fill="#e98aa0"/>`
  } else {
    plantPart = `<ellipse cx="600" cy="600" rx="150" ry="140" fill="${p.leaf}"/>
<ellipse cx="600" cy="600" rx="100" ry="140" fill="none" stroke="${p.leafDark}" stroke-opacity=".45" stroke-width="6"/>
<ellipse cx="600" cy="600" rx="46" ry="140" fill="none" stroke="${p.leafDark}" stroke-opacity=".45" stroke-width="6"/>
${[0, 72, 144, 216, 288].map((a) => `<ellipse cx="600" cy="452" rx="14" ry="34" fill="#f4b7c5" transform="rotate(${a} 600 470)"/>`).join('')}
<circle cx="600" cy="470" r="14" fill="#f2cf5b"/>`
  }
  return {
    shadow: 150,
    body: `${plantPart}
<path d="M482 740 L718 740 L698 900 L502 900 Z" fill="url(#body)"/>
<rect x="466" y="706" width="268" height="48" rx="10" fill="${p.light}"/>`,
  }
}

const candle: Draw = (p, form) => {
  if (form === 0) {
    return {
      shadow: 170,
      body: `<rect x="460" y="560" width="280" height="340" rx="40" fill="url(#body)"/>
<rect x="500" y="680" width="200" height="120" rx="10" fill="${p.accent}"/>
<path d="M530 722 H 670 M550 754 H 650" stroke="${p.shade}" stroke-width="8" stroke-linecap="round"/>
<ellipse cx="600" cy="580" rx="130" ry="24" fill="#f4ead8"/>
<path d="M600 580 V 556" stroke="#3a3029" stroke-width="5"/>
${flame(600, 556)}`,
    }
  }
  if (form === 1) {
    return {
      shadow: 210,
      body: `<ellipse cx="600" cy="894" rx="190" ry="30" fill="${p.shade}"/>
<rect x="500" y="470" width="200" height="420" rx="18" fill="${p.accent}"/>
<rect x="500" y="470" width="60" height="420" fill="#ffffff" opacity=".25"/>
<path d="M620 472 q 0 40 10 60 q 10 -20 10 -60 Z" fill="${p.accent}" stroke="#000000" stroke-opacity=".06" stroke-width="3"/>
<ellipse cx="600" cy="472" rx="100" ry="16" fill="#fbf6ea"/>
<path d="M600 472 V 448" stroke="#3a3029" stroke-width="5"/>
${flame(600, 448)}`,
    }
  }
  const taper = (
    x: number,
    top: number,
  ) => `<rect x="${x - 22}" y="${top}" width="44" height="${820 - top}" rx="10" fill="url(#body)"/>
<path d="M${x} ${top} V ${top - 22}" stroke="#3a3029" stroke-width="5"/>
${flame(x, top - 20, 0.8)}
<ellipse cx="${x}" cy="890" rx="90" ry="16" fill="#b8924a"/>
<path d="M${x - 34} 890 L${x - 26} 820 H ${x + 26} L${x + 34} 890 Z" fill="#d3ad62"/>
<ellipse cx="${x}" cy="820" rx="44" ry="12" fill="#e4c47e"/>`
  return { shadow: 260, body: taper(510, 380) + taper(690, 440) }
}

const notebook: Draw = (p, form) => {
  const book = (x: number, y: number, w: number, h: number, cover: string, spine: string, dots: boolean) => {
    let pattern = ''
    if (dots) {
      for (let row = 0; row < Math.floor((h - 80) / 40); row++) {
        for (let col = 0; col < Math.floor((w - 100) / 40); col++) {
          pattern += `<circle cx="${x + 90 + col * 40}" cy="${y + 60 + row * 40}" r="4" fill="#ffffff" opacity=".3"/>`
        }
      }
    }
    return `<rect x="${x + 12}" y="${y + 10}" width="${w}" height="${h}" rx="16" fill="#f3eee3"/>
<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="16" fill="${cover}"/>${pattern}
<rect x="${x}" y="${y}" width="46" height="${h}" rx="16" fill="${spine}"/>
<rect x="${x + w - 64}" y="${y}" width="16" height="${h}" fill="${spine}"/>
<rect x="${x + 84}" y="${y + 90}" width="${w - 180}" height="90" rx="8" fill="${p.accent}"/>
<path d="M${x + 110} ${y + 124} H ${x + w - 130} M${x + 110} ${y + 150} H ${x + w - 170}" stroke="${spine}" stroke-width="7" stroke-linecap="round"/>`
  }
  let out = ''
  if (form === 1) out += book(300, 330, 360, 560, p.light, p.shade, false)
  out += book(form === 1 ? 480 : 400, 380, 400, 520, p.body, p.shade, form === 2)
  if (form === 2) {
    out += `<path d="M700 900 l 0 70 l 16 -18 l 16 18 l 0 -70 Z" fill="${p.leafDark}"/>`
  } else {
    out += `<g transform="translate(430 960) rotate(-9)">
<rect x="0" y="0" width="400" height="28" rx="4" fill="#e8b54a"/>
<rect x="0" y="0" width="400" height="9" fill="#ffffff" opacity=".25"/>
<rect x="-34" y="0" width="38" height="28" rx="3" fill="#c9c4bb"/><rect x="-60" y="0" width="30" height="28" rx="8" fill="#e69a9a"/>
<path d="M400 0 L 470 14 L 400 28 Z" fill="#ead2ae"/><path d="M450 10 L 470 14 L 450 18 Z" fill="#3b3835"/></g>`
  }
  return { shadow: 260, body: out }
}

const DRAWINGS: Record<IllustrationKind, Draw> = { mug, bowl, vase, linen, plant, cactus, candle, notebook }

function isKind(kind: string): kind is IllustrationKind {
  return (ILLUSTRATION_KINDS as readonly string[]).includes(kind)
}

/**
 * A 1200×1200 SVG of one of the shop's goods on a table. The variant picks
 * the palette and the form; kinds are offset from each other so a listing of
 * mixed goods is not all one colour.
 */
export function illustrationSvg(kind: string, variant: number): string {
  if (!isKind(kind)) throw new Error(`no illustration of kind ${kind}; the kinds are ${ILLUSTRATION_KINDS.join(', ')}`)
  if (!Number.isInteger(variant) || variant < 0) throw new Error('an illustration variant is a whole number from 0')
  const kindIndex = ILLUSTRATION_KINDS.indexOf(kind)
  const palette = PALETTES[(variant + kindIndex * 3) % PALETTES.length] as Palette
  const form = variant % FORMS
  const cycle = Math.floor(variant / DISTINCT_DRAWINGS)
  // After every (palette, form) pair, the light moves, so each variant is still a picture of its own.
  // (A linear gradient: a radial one across the whole picture costs cairo four times the rest of the drawing.)
  const glowX = 0.3 + 0.4 * ((cycle * 0.6180339887) % 1)
  const drawing = DRAWINGS[kind](palette, form, random(variant * 97 + kindIndex * 7919 + 1))
  const p = palette
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${ILLUSTRATION_SIZE}" height="${ILLUSTRATION_SIZE}" viewBox="0 0 1200 1200">
<defs>
<linearGradient id="glow" x1="${glowX.toFixed(4)}" y1="0" x2="${(1 - glowX).toFixed(4)}" y2="1"><stop offset="0" stop-color="#ffffff" stop-opacity=".6"/><stop offset="1" stop-color="#ffffff" stop-opacity="0"/></linearGradient>
<radialGradient id="flameglow"><stop offset="0" stop-color="#ffd27a" stop-opacity=".55"/><stop offset="1" stop-color="#ffd27a" stop-opacity="0"/></radialGradient>
<linearGradient id="body" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="${p.light}"/><stop offset=".45" stop-color="${p.body}"/><stop offset="1" stop-color="${p.shade}"/></linearGradient>
<pattern id="gingham" width="40" height="40" patternUnits="userSpaceOnUse"><rect width="20" height="40" fill="${p.body}" opacity=".45"/><rect width="40" height="20" fill="${p.body}" opacity=".45"/></pattern>
</defs>
<rect width="1200" height="1200" fill="${p.bg}"/>
<rect width="1200" height="780" fill="url(#glow)"/>
<rect y="780" width="1200" height="420" fill="${p.surface}"/>
<rect y="780" width="1200" height="6" fill="#ffffff" opacity=".35"/>
<g transform="translate(600 ${BASE}) scale(${SCALE}) translate(-600 -${BASE}) translate(0 ${LIFT})">
<ellipse cx="610" cy="${BASE}" rx="${drawing.shadow}" ry="30" fill="#000000" opacity=".12"/>
${drawing.body}
</g>
</svg>`
}

/** Which drawings `count` illustrations are: every kind in turn, so each kind has about count / kinds of them. */
export function illustrationPlan(count: number): { kind: IllustrationKind; variant: number }[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: ILLUSTRATION_KINDS[i % ILLUSTRATION_KINDS.length] as IllustrationKind,
    variant: Math.floor(i / ILLUSTRATION_KINDS.length),
  }))
}

/** Enough to keep libvips' threads busy without holding every rasterised picture in memory at once. */
const CONCURRENCY = 4

export interface SeededIllustration {
  id: number
  kind: IllustrationKind
}

/**
 * Draws `count` different illustrations, stores each (WebP and JPEG at every
 * width) in the media store and records it in `images`; pictures already
 * stored are neither written again nor recorded twice. Returns their rows'
 * ids with their kind, in plan order, for the product seeder to share out.
 * `progress` is ticked once an illustration; the caller finishes it.
 */
export async function seedIllustrations(
  db: Db,
  media: MediaStorage,
  count: number,
  progress?: Progress,
): Promise<SeededIllustration[]> {
  const plan = illustrationPlan(count)
  const stored: StoredImage[] = new Array(plan.length)
  let next = 0
  const worker = async () => {
    while (next < plan.length) {
      const index = next++
      const { kind, variant } = plan[index] as { kind: IllustrationKind; variant: number }
      stored[index] = await storeImage(media, Buffer.from(illustrationSvg(kind, variant)), {
        allowSvg: true,
        quick: true,
      })
      progress?.tick()
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, plan.length) }, worker))
  const rows = await saveImages(db, stored)
  return rows.map((row, i) => ({ id: row.id, kind: (plan[i] as { kind: IllustrationKind }).kind }))
}
