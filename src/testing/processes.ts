import { execFile } from 'node:child_process'

/**
 * Runs one of the test worker scripts (src/testing/*-worker.ts) in a process
 * of its own, as a second server or worker process would be, and resolves
 * with what it printed; a non-zero exit rejects with its stderr.
 */
export function runScript(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: process.cwd(), maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    )
  })
}
