import { z } from 'zod'

/** /sitemaps/products-:n.xml: the file's number, from 1, as the index names it. */
export const productsFileInput = z.object({
  n: z
    .string()
    .regex(/^[1-9]\d{0,5}$/)
    .transform(Number),
})
