import { type Db, ping } from '../../db/connection.js'

export type Readiness = { ready: true } | { ready: false; error: unknown }

/** Whether the database answers a query: what /readyz tells a load balancer. The error is for the log only. */
export async function readiness(db: Db): Promise<Readiness> {
  try {
    await ping(db)
    return { ready: true }
  } catch (error) {
    return { ready: false, error }
  }
}
