import type { Db } from '../../db/connection.js'
import type { Image } from '../../db/schema.js'
import { nowIso } from '../../lib/time.js'
import type { StoredImage } from './images.js'

/**
 * Records stored images, each once: a key already in the table keeps its row
 * (the same key is the same picture). Returns the rows in the order given.
 */
export async function saveImages(db: Db, images: readonly StoredImage[]): Promise<Image[]> {
  if (images.length === 0) return []
  const now = nowIso()
  // SQLite takes at most 32,766 parameters a statement; six a row keeps well under it.
  for (let i = 0; i < images.length; i += 1000) {
    await db
      .insertInto('images')
      .values(
        images.slice(i, i + 1000).map((image) => ({
          key: image.key,
          width: image.width,
          height: image.height,
          widths: JSON.stringify(image.widths),
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .execute()
  }
  const keys = [...new Set(images.map((image) => image.key))]
  const rows = new Map<string, Image>()
  for (let i = 0; i < keys.length; i += 1000) {
    for (const row of await db
      .selectFrom('images')
      .selectAll()
      .where('key', 'in', keys.slice(i, i + 1000))
      .execute()) {
      rows.set(row.key, row)
    }
  }
  return images.map((image) => rows.get(image.key) as Image)
}

export async function saveImage(db: Db, image: StoredImage): Promise<Image> {
  const [row] = await saveImages(db, [image])
  return row as Image
}
