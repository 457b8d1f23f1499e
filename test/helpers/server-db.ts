// For child-process tests under DATABASE_URL: a database of their own on the server, dropped afterwards.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

export async function serverDatabase(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL
  if (!base) return { url: undefined, drop: async () => {} }
  const name = `linli_e2e_${process.pid}_${randomBytes(3).toString('hex')}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE ${name}`)
  const u = new URL(base)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end({ timeout: 5 })
    },
  }
}
