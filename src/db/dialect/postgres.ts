import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PostgresDialect,
  PostgresDriver,
  type PostgresDialectConfig,
  type TransactionSettings,
} from 'kysely'
import pg from 'pg'

export interface PoolOptions {
  /** Connections this process keeps open at most. */
  size: number
  /** A statement running longer is cancelled by the server. */
  statementTimeoutMs: number
  /** How long a request waits for a free connection before it is answered 503 (default 10 s). */
  connectionWaitMs?: number
}

const DEFAULT_POOL: PoolOptions = { size: 10, statementTimeoutMs: 15_000 }

// COUNT(*) and BIGINT columns come back as strings by default; every number the shop keeps fits a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
// PostgreSQL sums bigint columns (money: see the money migration) as numeric; they are whole minor
// units far inside 2^53, as every count is, so they come back as numbers too, as on SQLite.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value))

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database)
}

/** The database as logs and messages may show it: a PostgreSQL URL without its password, or the SQLite path. */
export function describeDatabase(database: string): string {
  if (!isPostgresUrl(database)) return database
  try {
    const url = new URL(database)
    return `postgres://${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.host}${url.pathname}`
  } catch {
    return 'postgres://(an invalid URL)'
  }
}

/**
 * Every transaction here writes, and the services were written for SQLite,
 * where one writer at a time holds the database (BEGIN IMMEDIATE): a stock
 * check and the order that takes the stock, or a throttle's count and its
 * new row, cannot interleave with another process's. The same guarantee on
 * PostgreSQL: each transaction takes one advisory lock as it begins, held
 * until it ends, so writers take turns across every process and machine
 * while reads (outside transactions) never wait.
 */
class SerialWriterDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await super.beginTransaction(connection, settings)
    await connection.executeQuery(CompiledQuery.raw(`select pg_advisory_xact_lock(${WRITE_LOCK})`))
  }
}

/** The advisory lock key every writing transaction holds (a constant, "shop" in ASCII). */
export const WRITE_LOCK = 0x73686f70

class ShopPostgresDialect extends PostgresDialect {
  constructor(private readonly options: PostgresDialectConfig) {
    super(options)
  }
  override createDriver(): Driver {
    return new SerialWriterDriver(this.options)
  }
}

export function postgresDialect(url: string, options: PoolOptions = DEFAULT_POOL): Dialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.size,
    statement_timeout: options.statementTimeoutMs,
    // A request waits this long for a free connection when all are busy (a sale's rush of checkouts takes
    // turns at the write lock), then fails and is answered 503.
    connectionTimeoutMillis: options.connectionWaitMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'shopfront',
  })
  // A connection that drops (the server restarts, the network fails) emits an error on its own, idle in the
  // pool or between two queries of a transaction; without a listener it would end the process. The query
  // running on it, if any, still fails, and the pool opens a new connection for the next one.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  return new ShopPostgresDialect({ pool })
}
