import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HealthServer, type HealthState } from '../../src/health.ts'
import { useTestDatabases } from '../helpers/db.ts'

const dbs = useTestDatabases()

describe('health endpoints', () => {
  it('is live at once, ready only when started with a database, and not ready while draining', async () => {
    const state: HealthState = { started: false, draining: false }
    const server = new HealthServer(0, state)
    const { port } = await server.listen('127.0.0.1')
    const get = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`)
      return { status: r.status, body: (await r.json().catch(() => null)) as Record<string, unknown> | null }
    }
    try {
      expect((await get('/healthz')).status).toBe(200)
      expect((await get('/readyz')).status).toBe(503)
      state.database = await dbs.fresh()
      state.started = true
      const ready = await get('/readyz')
      expect(ready.status).toBe(200)
      expect(ready.body).toMatchObject({ status: 'ready', database: true })
      state.draining = true
      expect((await get('/readyz')).status).toBe(503)
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404)
    } finally {
      await server.close()
    }
  })
})
