/**
 * The child processes the bench scripts start: every child is tracked and
 * stopped by its PID, and on a 2-CPU machine pinned to a CPU of its own.
 * Progress goes to stderr, so stdout stays the results.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const dataDir = join(root, 'bench', '.data')

/** The server's CPU and wrk's CPU: they never compete for one core. */
export const SERVER_CPU = 0
export const CLIENT_CPU = 1

// ---- Processes: every child is tracked and stopped by its PID ------------------

const children = new Set<ChildProcess>()

export function track(child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** The tracked children still running, in the order they were started. */
export function tracked(): ChildProcess[] {
  return [...children]
}

export function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

/** SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 12_000): Promise<void> {
  if (!running(child) || child.pid === undefined) return
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => {
    if (running(child)) child.kill('SIGKILL')
  }, graceMs)
  await exited
  clearTimeout(timer)
}

export async function stopAll(graceMs?: number): Promise<void> {
  await Promise.all([...children].map((child) => stop(child, graceMs)))
}

let stopping = false

/** Whether Ctrl-C or SIGTERM is stopping the run: the error it causes is not the run's failure. */
export function isStopping(): boolean {
  return stopping
}

/** On Ctrl-C or SIGTERM, stops every tracked child before exiting; and kills any left at exit. */
export function stopChildrenOnExit(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      log(`\n${signal}: stopping the processes the bench started…`)
      stopAll().finally(() => process.exit(130))
    })
  }
  // Last resort if the event loop is already gone: nothing may outlive the bench.
  process.on('exit', () => {
    for (const child of children) if (running(child)) child.kill('SIGKILL')
  })
}

export const canPin = os.availableParallelism() >= 2 && existsSync('/usr/bin/taskset')

/** `taskset -c CPU command …`, or the bare command where pinning is impossible. */
export function pinned(cpu: number, command: string[]): [string, string[]] {
  const full = canPin ? ['taskset', '-c', String(cpu), ...command] : command
  const [file, ...args] = full
  return [file ?? '', args]
}

export function log(message: string) {
  process.stderr.write(`${message}\n`)
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/** Runs a command to completion with the terminal's stderr attached (seed progress bar, build errors). */
export function runAttached(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done, fail) => {
    // Its output goes to stderr with the progress, so stdout stays the markdown results.
    const child = track(spawn(command, args, { cwd: root, env, stdio: ['ignore', 2, 2] }))
    child.once('error', fail)
    child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1)))
  })
}

/** Runs a command to completion and returns what it printed. */
export function runCaptured(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = track(spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] }))
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.once('error', fail)
    child.once('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), stdout, stderr }))
  })
}
