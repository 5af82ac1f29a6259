import { z } from 'zod'

/** Pictures taken in one upload: each is read whole into memory before any is kept. */
export const MAX_FILES_PER_UPLOAD = 10
export const MAX_FILE_BYTES = 10 * 1024 * 1024
export const MAX_FILE_MEGABYTES = MAX_FILE_BYTES / (1024 * 1024)
/** The column holds 250 characters. */
export const MAX_ALT_LENGTH = 250
/** The types the file chooser offers; the content decides what is taken (images.ts). */
export const ACCEPTED_TYPES = 'image/jpeg,image/png,image/webp,image/avif'

const missingAlt = 'Describe the picture for people who cannot see it (the alt text)'
/** Every picture needs its alt text: screen readers read it, and search engines index it. */
const alt = z
  .string({ error: missingAlt })
  .trim()
  .min(1, missingAlt)
  .max(MAX_ALT_LENGTH, `Keep the alt text to ${MAX_ALT_LENGTH} characters`)

/** An upload: one description for every picture in it (staff can change each one after), and how many files came. */
export const uploadInput = z.object({
  alt,
  images: z
    .number()
    .int()
    .min(1, 'Choose one or more pictures to upload')
    .max(MAX_FILES_PER_UPLOAD, `Upload at most ${MAX_FILES_PER_UPLOAD} pictures at a time`),
})

export const altInput = z.object({ alt })

export const moveInput = z.object({ direction: z.enum(['up', 'down'], { error: 'Move a picture up or down.' }) })
export type MoveFields = z.output<typeof moveInput>
