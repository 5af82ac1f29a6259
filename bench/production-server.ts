/**
 * The built production server as the bench scripts start it: a free port,
 * the environment production requires (nothing is mailed: RUN_WORKER=false),
 * and a child process that is ready once it says where it is running.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

export { freePort } from '../src/testing/free-port.js'

export function productionEnv(options: {
  port: number
  /** DATABASE_URL: a SQLite file or a postgres:// URL. */
  database: string
  secret: string
  extra?: Record<string, string>
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    // Required in production; the host check accepts only this host, so it names the port the clients use.
    PUBLIC_URL: `http://127.0.0.1:${options.port}`,
    SESSION_SECRET: options.secret,
    DATABASE_URL: options.database,
    LOG_LEVEL: 'warn',
    // Required in production; the worker is off, so the server never sends to it.
    SMTP_URL: 'smtp://127.0.0.1:2525',
    RUN_WORKER: 'false',
    ...options.extra,
  }
}

/**
 * Starts `dist/src/server.js` of the checkout at `root` (this one unless told)
 * and resolves once it is listening; every line it writes after that goes to
 * `onOutput`.
 */
export async function startServer(
  env: NodeJS.ProcessEnv,
  options: { root?: string; onOutput?: (chunk: string) => void } = {},
): Promise<ChildProcess> {
  const server = join(options.root ?? process.cwd(), 'dist/src/server.js')
  const child = spawn(process.execPath, [server], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk
      if (output.includes('Shopfront is running at')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)))
  })
  child.stdout?.removeAllListeners('data')
  child.stderr?.removeAllListeners('data')
  if (options.onOutput) child.stderr?.on('data', (chunk) => options.onOutput?.(String(chunk)))
  return child
}
