// Drizzle queries built once per process and run in any transaction (issue 15: "prepared statements").
//
// Building a query (the builder's objects, then its SQL text) costs more bot CPU than sending it: 20–90 µs for the
// hot statements of 缴费 and 报修, about as much as the database spends running them (bench/RESULTS.md). drizzle's
// own .prepare() keeps the built query, but binds it to the session that built it, and a command's session is its
// transaction, gone after one use. So the first call builds the query with sql.placeholder() values and keeps the
// prepared query as a template; every later call makes a copy of it bound to the session at hand (a transaction or
// the pool; postgres.js or PGlite) and executes it with the values. The copy differs from the template only in
// its client: the SQL text, the placeholders' order and the result mapping are drizzle's own.
//
// Placeholders pass through the column's encoder (mapToDriverValue) but, unlike an inline value, so does null: a
// nullable timestamp must be written as sql`${sql.placeholder('x')}::timestamptz` and given as ISO text or null.
import type { Queryable } from './client.ts'

interface Executable<R> {
  execute(values?: Record<string, unknown>): Promise<R>
}
interface Preparable<R> {
  prepare(name: string): Executable<R>
}

/** The client of a session (drizzle keeps it on the session; both drivers' prepared queries read `this.client`). */
function sessionOf(q: Queryable): { client: unknown } {
  const session = (q as unknown as { session?: { client?: unknown } }).session
  if (!session || !('client' in session)) throw new Error('db/prepared.ts: this drizzle version keeps no session.client')
  return session as { client: unknown }
}

/**
 * `build` once (on the first queryable it is called with), then run with `values` on any queryable. `name` names
 * the statement for drizzle; the SQL text is what postgres.js prepares per connection (db/client.ts).
 */
export function prepared<V extends Record<string, unknown>, R>(name: string, build: (q: Queryable) => Preparable<R>): (q: Queryable, values: V) => Promise<R> {
  // per session class: a process may hold a PGlite and a PostgreSQL database (tests, `linli migrate-to`)
  const templates = new Map<unknown, Executable<R> & { client: unknown }>()
  return (q, values) => {
    const session = sessionOf(q)
    const kind = session.constructor
    let template = templates.get(kind)
    if (!template) {
      template = build(q).prepare(name) as Executable<R> & { client: unknown }
      if (!('client' in template)) throw new Error('db/prepared.ts: this drizzle version keeps no client on a prepared query')
      templates.set(kind, template)
    }
    const bound = Object.assign(Object.create(Object.getPrototypeOf(template) as object) as object, template, { client: session.client }) as Executable<R>
    return bound.execute(values)
  }
}
