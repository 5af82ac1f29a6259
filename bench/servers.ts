/**
 * The two servers the bench measures, both pinned to the server's CPU: the
 * built production shop, and hello-world (bench/hello.mjs) as the baseline.
 * Each writes its output to a log file in bench/.data/.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { freePort } from '../src/testing/free-port.js'
import { get } from './http.js'
import { dataDir, pinned, root, running, SERVER_CPU, sleep, track } from './processes.js'
import { productionEnv } from './production-server.js'

export interface Server {
  child: ChildProcess
  origin: string
  logFile: string
}

export async function startShop(
  size: number,
  database: string,
  mediaDir: string,
  pageCache: boolean,
  nodeFlags: string[],
): Promise<Server> {
  const port = await freePort()
  const logFile = join(dataDir, `server-${size}.log`)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...productionEnv({
      port,
      database,
      secret: randomBytes(32).toString('base64url'),
      extra: {
        MEDIA_DIR: mediaDir,
        SEED_DEMO: 'false',
        LOG_REQUESTS: 'false',
        // Unset means the production default (on); 0 turns it off.
        ...(pageCache ? {} : { PAGE_CACHE_MB: '0' }),
      },
    }),
  }
  delete env.TRUST_PROXY
  delete env.MAIL_FROM
  const out = openSync(logFile, 'w')
  // A CPU profile (--cpu-prof) is written when the server exits, which it does on the SIGTERM that stops it.
  const [command, args] = pinned(SERVER_CPU, [process.execPath, ...nodeFlags, 'dist/src/server.js'])
  const child = track(spawn(command, args, { cwd: root, env, stdio: ['ignore', out, out] }))
  closeSync(out)
  const origin = `http://127.0.0.1:${port}`
  await waitUntilReady(`${origin}/readyz`, child, logFile)
  return { child, origin, logFile }
}

export async function startHello(): Promise<Server> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const logFile = join(dataDir, 'hello.log')
  const out = openSync(logFile, 'w')
  const [command, args] = pinned(SERVER_CPU, [process.execPath, 'bench/hello.mjs'])
  const env = { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port) }
  const child = track(spawn(command, args, { cwd: root, env, stdio: ['ignore', out, out] }))
  closeSync(out)
  await waitUntilReady(`${origin}/`, child, logFile)
  return { child, origin, logFile }
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!running(child))
      throw new Error(`the process exited (code ${child.exitCode}) before ${url} answered\n${tail(logFile)}`)
    try {
      const response = await get(url)
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s\n${tail(logFile)}`)
}

function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return ''
  const text = readFileSync(file, 'utf8').trimEnd()
  return text ? `--- last lines of ${relative(root, file)} ---\n${text.split('\n').slice(-lines).join('\n')}` : ''
}

/** How many lines the shop logged at warn or above. */
export function warningsLogged(logFile: string): number {
  // pino's JSON lines; with LOG_LEVEL=warn each is a warning or an error. The rest is the start-up banner.
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{')).length
}
