import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

/**
 * The whole database as Kysely sees it. Times are ISO-8601 strings in UTC
 * ('2026-11-30T16:42:29.123Z') so they sort as text and read the same on
 * SQLite and PostgreSQL.
 */
export interface Database {
  settings: SettingsTable
  sessions: SessionsTable
  contact_messages: ContactMessagesTable
  outbox_emails: OutboxEmailsTable
  users: UsersTable
  user_tokens: UserTokensTable
  recovery_codes: RecoveryCodesTable
  sign_in_failures: SignInFailuresTable
  rate_limit_hits: RateLimitHitsTable
  audit_log: AuditLogTable
  categories: CategoriesTable
  images: ImagesTable
  products: ProductsTable
  product_slugs: ProductSlugsTable
  variants: VariantsTable
  variant_option_values: VariantOptionValuesTable
  product_images: ProductImagesTable
  products_fts: ProductsFtsTable
  products_admin_fts: ProductsAdminFtsTable
  change_counters: ChangeCountersTable
  carts: CartsTable
  cart_lines: CartLinesTable
  orders: OrdersTable
  order_lines: OrderLinesTable
  payment_events: PaymentEventsTable
  order_events: OrderEventsTable
  activity_log: ActivityLogTable
  fulfilments: FulfilmentsTable
  fulfilment_lines: FulfilmentLinesTable
  refunds: RefundsTable
  sales_daily: SalesDailyTable
  order_counts: OrderCountsTable
  stock_movements: StockMovementsTable
  discount_codes: DiscountCodesTable
  discount_uses: DiscountUsesTable
  addresses: AddressesTable
  product_imports: ProductImportsTable
  product_import_files: ProductImportFilesTable
  api_keys: ApiKeysTable
  customer_tokens: CustomerTokensTable
  api_carts: ApiCartsTable
  idempotency_keys: IdempotencyKeysTable
  api_rate_limits: ApiRateLimitsTable
  webhook_endpoints: WebhookEndpointsTable
  webhook_deliveries: WebhookDeliveriesTable
}

export interface SettingsTable {
  key: string
  /** JSON-encoded value, validated by the settings service on the way out. */
  value: string
  updated_at: string
}

export interface SessionsTable {
  id: string
  /** JSON of the session's data, as @fastify/session hands it to the store. */
  data: string
  expires_at: string
  updated_at: string
  /** The signed-in user, so their sessions can be listed and ended together. */
  user_id: number | null
  /** Refreshed at most every few minutes, so a page view rarely costs a write. */
  last_seen_at: string | null
}

export interface ContactMessagesTable {
  id: Generated<number>
  name: string
  email: string
  subject: string
  message: string
  created_at: string
}

export type EmailStatus = 'pending' | 'sending' | 'sent' | 'failed'

/** Every email the shop sends, written in the same transaction as the change that caused it. */
export interface OutboxEmailsTable {
  id: Generated<number>
  template: string
  to_address: string
  reply_to: string | null
  subject: string
  html: string
  text: string
  status: EmailStatus
  attempts: Generated<number>
  /** When the worker may next try to deliver it (after a failure: later, with exponential backoff). */
  next_attempt_at: string
  /** A worker that claimed it holds it until then; past it, another worker may take it over. */
  locked_until: string | null
  last_error: string | null
  /** 'smtp', or 'mailbox' when kept in the database for the development mailbox. */
  transport: string | null
  message_id: string | null
  created_at: string
  sent_at: string | null
}

export type Role = 'customer' | 'staff' | 'owner'

export interface UsersTable {
  id: Generated<number>
  /** Lower-cased; unique. */
  email: string
  name: string
  /** $scrypt$ln=…,r=…,p=…$salt$key — see modules/accounts/password.ts */
  password_hash: string
  role: Role
  email_verified_at: string | null
  disabled_at: string | null
  totp_secret: string | null
  totp_enabled_at: string | null
  /** The last TOTP time step used, so a code cannot be replayed. */
  totp_last_step: number | null
  last_sign_in_at: string | null
  created_at: string
  updated_at: string
}

export type TokenPurpose = 'verify_email' | 'reset_password' | 'change_email' | 'setup_owner' | 'staff_invite'

export interface UserTokensTable {
  id: Generated<number>
  user_id: number | null
  purpose: TokenPurpose
  /** SHA-256 of the token in the link; the token itself is never stored. */
  token_hash: string
  /** JSON, e.g. the new address for change_email. */
  data: string | null
  expires_at: string
  used_at: string | null
  created_at: string
}

export interface RecoveryCodesTable {
  id: Generated<number>
  user_id: number
  code_hash: string
  used_at: string | null
}

export interface SignInFailuresTable {
  id: Generated<number>
  email: string
  ip: string
  at: string
  /** The nonce of the device cookie the attempt came with, if any: such attempts count against that device only. */
  device: string | null
}

export interface RateLimitHitsTable {
  id: Generated<number>
  /** What is limited: 'sign_up', 'contact_message', 'account_exists_email', … */
  bucket: string
  /** Who is counted: a client address or an email address. */
  key: string
  at: string
}

export interface AuditLogTable {
  id: Generated<number>
  at: string
  action: string
  actor_user_id: number | null
  subject_user_id: number | null
  ip: string | null
  /** JSON of what changed; never a secret. */
  details: string | null
}

export interface CategoriesTable {
  id: Generated<number>
  parent_id: number | null
  name: string
  slug: string
  description: Generated<string>
  position: Generated<number>
  created_at: string
  updated_at: string
}

export interface ImagesTable {
  id: Generated<number>
  /** Content hash of the original; the stored files are named by it. */
  key: string
  width: number
  height: number
  /** JSON array of the generated widths. */
  widths: string
  created_at: string
}

export type ProductStatus = 'draft' | 'active' | 'archived'
export type TaxClass = 'standard' | 'reduced' | 'zero'

export interface ProductsTable {
  /** Which of the destination's tax rates applies. */
  tax_class: Generated<TaxClass>
  id: Generated<number>
  slug: string
  title: string
  description_md: Generated<string>
  description_html: Generated<string>
  description_text: Generated<string>
  status: ProductStatus
  seo_title: string | null
  seo_description: string | null
  category_id: number | null
  /** JSON object of free-form attributes, e.g. {"Material":"Stoneware"}. */
  attributes: Generated<string>
  /** JSON array of option names in order, e.g. ["Size","Colour"]. */
  option_names: Generated<string>
  featured: Generated<number>
  /** Kept from the variants by triggers. */
  price_min: Generated<number>
  price_max: Generated<number>
  in_stock: Generated<number>
  published_at: string | null
  created_at: string
  updated_at: string
}

export interface ProductSlugsTable {
  slug: string
  product_id: number
  created_at: string
}

export interface VariantsTable {
  id: Generated<number>
  product_id: number
  sku: string
  /** JSON object of option name to value; {} for a product without options. */
  options: Generated<string>
  /** Minor units of the shop's currency. */
  price: number
  compare_at_price: number | null
  stock: Generated<number>
  track_stock: Generated<number>
  allow_backorder: Generated<number>
  position: Generated<number>
  created_at: string
  updated_at: string
}

export interface VariantOptionValuesTable {
  variant_id: number
  product_id: number
  name: string
  value: string
  /** The product's category, kept by triggers: a listing's filters read one branch by index. */
  category_id: Generated<number | null>
}

export interface ProductImagesTable {
  id: Generated<number>
  product_id: number
  image_id: number
  position: Generated<number>
  alt: string
}

/** The FTS5 index (SQLite); rowid is the product id. */
export interface ProductsFtsTable {
  rowid: number
  title: string
  description: string
  skus: string
  category: string
}

/** One counter per kind of shared data; triggers add one on every change (see the migration). */
/** The back office's FTS5 index of every product, whatever its status (SQLite); rowid is the product id. */
export interface ProductsAdminFtsTable {
  rowid: number
  title: string
  skus: string
}

export interface ChangeCountersTable {
  name: 'settings' | 'catalogue'
  version: number
}

export interface CartsTable {
  id: Generated<number>
  /** The customer whose cart it is; null for a guest's, found through their session. */
  user_id: number | null
  created_at: string
  updated_at: string
}

export interface CartLinesTable {
  id: Generated<number>
  cart_id: number
  variant_id: number
  /** 1 to 99. */
  quantity: number
  created_at: string
  updated_at: string
}

export type PaymentStatus = 'pending' | 'paid' | 'partially_refunded' | 'refunded'
export type FulfilmentStatus = 'unfulfilled' | 'partially_fulfilled' | 'fulfilled'

export interface OrdersTable {
  id: Generated<number>
  /** The human number: #1001, #1002, … */
  number: number
  /** Unguessable: the guest's link to their order. */
  access_token: string
  /** The checkout form's one-time token: the same submission twice finds this order. */
  checkout_token: string
  user_id: number | null
  email: string
  name: string
  phone: string
  address_line1: string
  address_line2: string
  city: string
  postcode: string
  /** ISO 3166-1 alpha-2. */
  country: string
  shipping_method: string
  payment_method: string
  payment_status: Generated<PaymentStatus>
  fulfilment_status: Generated<FulfilmentStatus>
  currency: string
  prices_include_tax: number
  subtotal: number
  discount_total: number
  shipping_total: number
  tax_total: number
  total: number
  discount_code: string | null
  placed_at: string
  cancelled_at: string | null
  /** When the customer was reminded to pay by bank transfer. */
  payment_reminded_at: string | null
  paid_at: string | null
  /** Given when the order is paid, in sequence without gaps. */
  invoice_number: number | null
  /** The payment opened on a provider's own page (a Stripe Checkout Session), while there is one. */
  payment_session_id: string | null
  payment_session_url: string | null
  payment_session_expires_at: string | null
  /** When the unpaid-order job found the payment completed at the provider; its webhook decides from then on. */
  payment_checked_at: string | null
  /** The provider's id for the payment of a paid card order (a Stripe PaymentIntent), which refunds name. */
  payment_provider_ref: string | null
  updated_at: string
}

/** Orders placed (less those cancelled) and their value, and money given back, per UTC day; kept by triggers on orders and refunds. */
export interface SalesDailyTable {
  /** YYYY-MM-DD */
  day: string
  orders: number
  sales: number
  /** Refunds that went through that day, on orders not cancelled. */
  refunds: Generated<number>
}

/** Running counts of orders in a state (awaiting_payment, to_send); kept by triggers on orders. */
export interface OrderCountsTable {
  name: string
  n: number
}

/** One change to a counted variant's stock, and the stock after it. */
export interface StockMovementsTable {
  id: Generated<number>
  variant_id: number
  change: number
  stock_after: number
  reason: 'sale' | 'cancellation' | 'adjustment' | 'import'
  note: Generated<string>
  order_id: number | null
  actor_user_id: number | null
  created_at: string
}

/** A parcel sent for an order. */
export interface FulfilmentsTable {
  id: Generated<number>
  order_id: number
  carrier: string
  tracking_number: string
  created_at: string
  actor_user_id: number | null
}

/** How many of an order line went in a parcel. */
export interface FulfilmentLinesTable {
  fulfilment_id: number
  order_line_id: number
  quantity: number
}

/** Money given back on an order. */
export interface RefundsTable {
  id: Generated<number>
  order_id: number
  amount: number
  reason: string
  /** pending (the provider is being asked), succeeded, failed. */
  status: 'pending' | 'succeeded' | 'failed'
  provider_refund_id: string | null
  failure: string | null
  created_at: string
  actor_user_id: number | null
}

/** One thing that happened to an order, for its timeline in the back office. */
export interface OrderEventsTable {
  id: Generated<number>
  order_id: number
  at: string
  /** placed, paid, reminded, cancelled, note, payment, … */
  kind: string
  /** Who did it; null for the shopper or the shop itself (jobs, webhooks). */
  actor_user_id: number | null
  message: string
}

/** A change made in the back office: who, what, when, and before → after for the fields that matter. */
export interface ActivityLogTable {
  id: Generated<number>
  at: string
  actor_user_id: number | null
  /** order.paid, order.cancelled, order.note, product.updated, … */
  action: string
  subject_type: string
  subject_id: number | null
  summary: string
  /** JSON object of field → [before, after]. */
  changes: string | null
}

/** A webhook event from a payment provider, kept so that one sent again is handled only once. */
export interface PaymentEventsTable {
  id: Generated<number>
  provider: string
  event_id: string
  type: string
  order_id: number | null
  /** What the shop did with it: paid, cancelled, or why it was ignored. */
  outcome: string
  received_at: string
}

export interface OrderLinesTable {
  id: Generated<number>
  order_id: number
  variant_id: number | null
  product_id: number | null
  sku: string
  title: string
  /** JSON object of option name to value, as sold. */
  options: string
  unit_price: number
  quantity: number
  /** Basis points. */
  tax_rate: number
  subtotal: number
  discount: number
  tax: number
  /** What the customer pays for the line. */
  total: number
}

export interface DiscountCodesTable {
  id: Generated<number>
  /** Stored in upper case. */
  code: string
  kind: 'percentage' | 'fixed' | 'free_shipping'
  /** Basis points for a percentage, minor units for a fixed amount, 0 for free shipping. */
  value: number
  /** Only lines of this category (and its subcategories); null for the whole order. */
  category_id: number | null
  minimum_subtotal: number | null
  starts_at: string | null
  ends_at: string | null
  usage_limit: number | null
  per_customer_limit: number | null
  uses: Generated<number>
  created_at: string
  updated_at: string
}

export interface DiscountUsesTable {
  id: Generated<number>
  discount_id: number
  order_id: number
  /** "user:42" or "email:ada@example.com". */
  customer_key: string
  created_at: string
}

export interface AddressesTable {
  id: Generated<number>
  user_id: number
  name: string
  phone: Generated<string>
  line1: string
  line2: Generated<string>
  city: string
  postcode: string
  country: string
  last_used_at: string
}

/** expired: checked or failed, and left unapplied so long that its file was removed (see expireStaleImports). */
export type ProductImportStatus = 'checking' | 'checked' | 'applying' | 'applied' | 'failed' | 'expired'

/** A product CSV upload: checked in the background into a dry-run report, then applied in one transaction. */
export interface ProductImportsTable {
  id: Generated<number>
  file_name: string
  file_size: number
  status: ProductImportStatus
  rows_total: Generated<number>
  rows_checked: Generated<number>
  error_count: Generated<number>
  /** JSON of the dry run (see modules/product-imports/import-report.ts). */
  report: string | null
  /** SHA-256 of the whole plan the report shows. */
  plan_hash: string | null
  /** Why applying was refused, or why the job gave up. */
  notice: string | null
  claimed_by: string | null
  locked_until: string | null
  attempts: Generated<number>
  created_by: number | null
  applied_by: number | null
  created_at: string
  updated_at: string
  checked_at: string | null
  applied_at: string | null
}

/** The text of an import's file, apart so that progress writes stay small; deleted once applied. */
export interface ProductImportFilesTable {
  import_id: number
  csv: string
}

/** A key an owner made for an outside service; only its hash is kept. */
export interface ApiKeysTable {
  id: Generated<number>
  name: string
  /** The key's first characters, to tell keys apart in lists (sf_key_ab12…). */
  key_prefix: string
  key_hash: string
  /** JSON array of scopes ('orders:read', …). */
  scopes: string
  created_by: number | null
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

/** A customer's access token for the API (a signed-in app). */
export interface CustomerTokensTable {
  id: Generated<number>
  user_id: number
  token_hash: string
  /** The device or app it was issued to (its user agent), for the account's devices page. */
  label: string
  created_at: string
  last_used_at: string | null
  expires_at: string
  revoked_at: string | null
}

/** A cart made through the API: its bearer token's hash and the checkout chosen so far (JSON of CheckoutState). */
export interface ApiCartsTable {
  cart_id: number
  token_hash: string
  checkout: Generated<string>
  created_at: string
  updated_at: string
}

export interface IdempotencyKeysTable {
  id: Generated<number>
  scope: string
  key: string
  /** SHA-256 of the request's method, path and body, so the same key with another request is told apart. */
  request_hash: string
  /** Null while the first request with this key is being answered. */
  status_code: number | null
  /** The JSON body answered. */
  response: string | null
  created_at: string
}

/** Requests counted per client in one fixed window (window_start in ms since the epoch). */
export interface ApiRateLimitsTable {
  key: string
  window_start: number
  hits: number
}

export interface WebhookEndpointsTable {
  id: Generated<number>
  url: string
  description: Generated<string>
  /** JSON array of event types. */
  events: string
  /** The whsec_… signing secret. */
  secret: string
  enabled: Generated<number>
  disabled_reason: string | null
  consecutive_failures: Generated<number>
  created_by: number | null
  created_at: string
  updated_at: string
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed'

export interface WebhookDeliveriesTable {
  id: Generated<number>
  endpoint_id: number
  /** The webhook-id header (msg_…), the same on every attempt. */
  message_id: string
  event: string
  /** The JSON body sent. */
  payload: string
  status: Generated<WebhookDeliveryStatus>
  attempts: Generated<number>
  next_attempt_at: string
  locked_until: string | null
  last_attempt_at: string | null
  last_status_code: number | null
  last_error: string | null
  last_response: string | null
  last_duration_ms: number | null
  delivered_at: string | null
  created_at: string
}

export type ApiKey = Selectable<ApiKeysTable>
export type CustomerToken = Selectable<CustomerTokensTable>
export type WebhookEndpoint = Selectable<WebhookEndpointsTable>
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>
export type SettingRow = Selectable<SettingsTable>
export type SessionRow = Selectable<SessionsTable>
export type NewSession = Insertable<SessionsTable>
export type ContactMessage = Selectable<ContactMessagesTable>
export type NewContactMessage = Insertable<ContactMessagesTable>
export type ContactMessageUpdate = Updateable<ContactMessagesTable>
export type OutboxEmail = Selectable<OutboxEmailsTable>
export type NewOutboxEmail = Insertable<OutboxEmailsTable>
export type User = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type UserUpdate = Updateable<UsersTable>
export type UserToken = Selectable<UserTokensTable>
export type AuditEntry = Selectable<AuditLogTable>
export type NewAuditEntry = Insertable<AuditLogTable>
export type Category = Selectable<CategoriesTable>
export type NewCategory = Insertable<CategoriesTable>
export type Image = Selectable<ImagesTable>
export type Product = Selectable<ProductsTable>
export type NewProduct = Insertable<ProductsTable>
export type ProductUpdate = Updateable<ProductsTable>
export type Variant = Selectable<VariantsTable>
export type NewVariant = Insertable<VariantsTable>
export type ProductImage = Selectable<ProductImagesTable>
