import fastifyFormbody from '@fastify/formbody'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { Db } from '../db/connection.js'
import { assetsPlugin } from '../plugins/assets.js'
import { authPlugin } from '../plugins/auth.js'
import { cartPlugin } from '../plugins/cart.js'
import { csrfPlugin } from '../plugins/csrf.js'
import { errorPagesPlugin } from '../plugins/error-pages.js'
import { outcomesPlugin } from '../plugins/outcomes.js'
import { pageCachePlugin } from '../plugins/page-cache.js'
import { sessionPlugin } from '../plugins/session.js'
import { viewsPlugin } from '../plugins/views.js'
import accountArea from './account/index.js'
import adminArea from './admin/index.js'
import cartRoutes from './cart.js'
import categoryRoutes from './categories.js'
import checkoutRoutes from './checkout.js'
import confirmEmailRoutes from './confirm-email.js'
import contactRoutes from './contact.js'
import forgotPasswordRoutes from './forgot-password.js'
import homeRoutes from './index.js'
import invitationRoutes from './invitation.js'
import loginRoutes from './login.js'
import logoutRoutes from './logout.js'
import orderRoutes from './orders.js'
import productRoutes from './products.js'
import resetPasswordRoutes from './reset-password.js'
import searchRoutes from './search.js'
import setupRoutes from './setup.js'
import signupRoutes from './signup.js'
import verifyEmailRoutes from './verify-email.js'

/** Form posts are small: the largest field is a message of a few thousand characters. */
const FORM_BODY_LIMIT = 64 * 1024

/**
 * Everything people see in a browser: sessions, form tokens, HTML pages and
 * error pages live in this context only, so the JSON API and the health
 * checks never touch a session.
 */
export default async function htmlArea(app: FastifyInstance, opts: { config: Config; db: Db }) {
  await app.register(fastifyFormbody, { bodyLimit: FORM_BODY_LIMIT })
  await app.register(sessionPlugin, opts)
  await app.register(pageCachePlugin, { db: opts.db, maxBytes: opts.config.pageCacheBytes })
  await app.register(csrfPlugin, opts)
  await app.register(authPlugin, opts)
  await app.register(cartPlugin)
  await app.register(assetsPlugin, { production: opts.config.isProduction })
  await app.register(viewsPlugin, opts)
  await app.register(errorPagesPlugin)
  await app.register(outcomesPlugin)

  await app.register(homeRoutes)
  await app.register(productRoutes)
  await app.register(categoryRoutes)
  await app.register(cartRoutes)
  await app.register(checkoutRoutes)
  await app.register(orderRoutes)
  await app.register(searchRoutes)
  await app.register(contactRoutes)
  await app.register(signupRoutes)
  await app.register(loginRoutes)
  await app.register(logoutRoutes)
  await app.register(verifyEmailRoutes)
  await app.register(forgotPasswordRoutes)
  await app.register(resetPasswordRoutes)
  await app.register(confirmEmailRoutes)
  await app.register(setupRoutes)
  await app.register(invitationRoutes)
  await app.register(accountArea)
  await app.register(adminArea)
}
