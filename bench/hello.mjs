// The baseline: the smallest Fastify app, run by plain node (no tsx) with logging off.
// `npm run bench` starts it (bench/servers.ts) pinned to the same CPU as the shop and divides by its requests/s.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/', async () => ({ hello: 'world' }))

const port = Number(process.env.PORT ?? 3001)
const host = process.env.HOST ?? '127.0.0.1'
await app.listen({ port, host })
console.log(`hello-world listening on http://${host}:${port}`)

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0))
  })
}
