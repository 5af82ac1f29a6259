import { hashingLimit } from '../modules/accounts/password.js'

/** Runs `check` while every place of the password-hashing queue is held (as by a crowd of sign-ins), then frees them. */
export async function whileHashingQueueIsFull<T>(check: () => Promise<T>): Promise<T> {
  let release!: () => void
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  const places = hashingLimit.concurrency + hashingLimit.maxWaiting
  const holders = Array.from({ length: places }, () => hashingLimit.run(() => held))
  try {
    return await check()
  } finally {
    release()
    await Promise.all(holders)
  }
}
