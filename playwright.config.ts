import { defineConfig } from '@playwright/test'
import { findChromium } from './e2e/chromium.js'
import type { ShopOptions } from './e2e/fixtures.js'

// Found (or installed) once in the runner; the workers inherit it through the environment.
process.env.CHROMIUM_PATH ??= findChromium()

export default defineConfig<ShopOptions>({
  testDir: 'e2e',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'javascript', use: { javaScriptEnabled: true }, testIgnore: 'scale-out.spec.ts' },
    // The screenshots are of the layout, which is the same without JavaScript: one run is enough.
    // The API reference is Swagger UI, a JavaScript application for developers: it has no page without it.
    {
      name: 'no-javascript',
      use: { javaScriptEnabled: false },
      testIgnore: ['screenshots.spec.ts', 'scale-out.spec.ts', 'api-docs.spec.ts'],
    },
    // The checkout journey again on PostgreSQL, with and without JavaScript.
    {
      name: 'postgres-javascript',
      use: { javaScriptEnabled: true, database: 'postgres' },
      testMatch: 'checkout.spec.ts',
    },
    {
      name: 'postgres-no-javascript',
      use: { javaScriptEnabled: false, database: 'postgres' },
      testMatch: 'checkout.spec.ts',
    },
    // nginx (HTTPS, deploy/nginx.conf) in front of two app processes and a worker on PostgreSQL: deploy/README.md.
    // Needs nginx and openssl installed; fails saying so when they are not.
    {
      name: 'scale-out',
      use: { javaScriptEnabled: true, ignoreHTTPSErrors: true },
      testMatch: 'scale-out.spec.ts',
    },
  ],
})
