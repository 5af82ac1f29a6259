import { z } from 'zod'

/** A category as staff enter it; an empty slug is made from the name. */
export function categoryInput(parentIds: number[]) {
  return z.object({
    name: z
      .string({ error: 'Enter the name' })
      .trim()
      .min(1, 'Enter the name')
      .max(100, 'Keep the name to 100 characters'),
    slug: z
      .string()
      .trim()
      .toLowerCase()
      .default('')
      .refine((v) => v === '' || /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v), {
        message: 'A web address uses lower-case letters, digits and single hyphens, like table-linen',
      })
      .refine((v) => v.length <= 120, 'Keep the web address to 120 characters'),
    description: z.string().trim().max(2000, 'Keep the description to 2,000 characters').default(''),
    parent_id: z
      .string()
      .default('')
      .refine((v) => v === '' || parentIds.includes(Number(v)), 'Choose a category from the list')
      .transform((v) => (v === '' ? null : Number(v))),
  })
}

export type CategoryFields = z.output<ReturnType<typeof categoryInput>>

/** Up or down one place among its siblings. */
export const moveInput = z.object({ direction: z.enum(['up', 'down'], { error: 'Move a category up or down.' }) })
