// With DATABASE_URL set the PostgreSQL server must answer: every test file creates its own databases on it.
import postgres from 'postgres'

export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL
  if (!url) return
  const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} })
  try {
    await sql`select 1`
  } catch (err) {
    throw new Error(`DATABASE_URL is set but the PostgreSQL server does not answer: ${(err as Error).message}`)
  } finally {
    await sql.end({ timeout: 2 })
  }
}
