// Roster import (`linli roster import`, the demo): households of a compound from CSV (building, unit, room,
// area_m2[, occupancy][, owner_name]). All or nothing: a bad row is reported with its line number and nothing
// is imported. A re-import updates areas, occupancy and owner names for polls launched later; an open poll
// keeps the electorate it froze at launch (poll_electorate). Roster removal: src/services/roster.ts.
import { parse } from 'csv-parse/sync'
import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { households } from '../../db/schema.ts'
import { canonicalCode, parseRoom } from '../domain/rooms.ts'

type Occupancy = 'owner_occupied' | 'rented' | 'vacant'
const OCCUPANCY: Record<string, Occupancy> = {
  owner_occupied: 'owner_occupied', owner: 'owner_occupied', 自住: 'owner_occupied', '': 'owner_occupied',
  rented: 'rented', 出租: 'rented', vacant: 'vacant', 空置: 'vacant',
}

export interface RosterRow {
  line: number
  building: string
  unit: string | null
  room: string
  code: string
  areaCentiM2: bigint
  /** undefined when the CSV has no occupancy column: a re-import then keeps what the roster has */
  occupancy?: Occupancy
  /** undefined when the CSV has no owner_name column: a re-import then keeps the names (the owner headcount) */
  ownerName?: string | null
}

export class RosterError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`)
  }
}

/** "89.5" → 8950n centi-m²; exact, at most two decimals. */
export function parseArea(s: string): bigint | null {
  const m = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(s.trim())
  if (!m) return null
  const v = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0') || '0')
  return v > 0n ? v : null
}

export function parseRoster(csv: string): RosterRow[] {
  let records: string[][]
  try {
    records = parse(csv.replace(/^\uFEFF/, ''), { skip_empty_lines: true, trim: true, relax_column_count: true })
  } catch (err) {
    throw new RosterError(Number((err as { lines?: number }).lines ?? 0), (err as Error).message)
  }
  const header = (records[0] ?? []).map((h) => h.toLowerCase())
  for (const col of ['building', 'unit', 'room', 'area_m2']) {
    if (!header.includes(col)) throw new RosterError(1, `missing column "${col}" (need building, unit, room, area_m2)`)
  }
  const at = (r: string[], col: string) => (header.indexOf(col) >= 0 ? (r[header.indexOf(col)] ?? '') : '')
  const rows: RosterRow[] = []
  const seen = new Map<string, number>()
  records.slice(1).forEach((r, i) => {
    const line = i + 2
    const building = at(r, 'building')
    const unit = at(r, 'unit')
    const room = at(r, 'room')
    if (!building || !room) throw new RosterError(line, 'building and room are required')
    const addr = parseRoom(unit ? `${building}-${unit}-${room}` : `${building}-${room}`)
    if (!addr) throw new RosterError(line, `not a room: ${building}/${unit}/${room}`)
    const area = parseArea(at(r, 'area_m2'))
    if (area === null) throw new RosterError(line, `area_m2 must be a positive number with at most 2 decimals, got "${at(r, 'area_m2')}"`)
    const occ = header.includes('occupancy') ? OCCUPANCY[at(r, 'occupancy').toLowerCase()] : undefined
    if (header.includes('occupancy') && !occ) throw new RosterError(line, `occupancy must be owner_occupied, rented or vacant, got "${at(r, 'occupancy')}"`)
    const code = canonicalCode(addr)
    const dup = seen.get(code)
    if (dup) throw new RosterError(line, `room ${code} already on line ${dup}`)
    seen.set(code, line)
    const ownerName = header.includes('owner_name') ? at(r, 'owner_name') || null : undefined
    rows.push({ line, ...addr, code, areaCentiM2: area, occupancy: occ, ownerName })
  })
  return rows
}

/** Insert new households and update areas of known ones, in one transaction; `now` stamps the updated rows. */
export async function importRoster(db: Db, compoundId: number, rows: RosterRow[], now: Date): Promise<{ inserted: number; updated: number }> {
  return db.transaction(async (tx) => {
    let inserted = 0
    let updated = 0
    for (const r of rows) {
      const res = await tx
        .insert(households)
        .values({
          compoundId,
          building: r.building,
          unit: r.unit,
          room: r.room,
          code: r.code,
          areaCentiM2: r.areaCentiM2,
          occupancy: r.occupancy ?? 'owner_occupied',
          ownerName: r.ownerName ?? null,
        })
        .onConflictDoUpdate({
          target: [households.compoundId, households.code],
          // a column the file does not have is left as it is (a CSV of areas must not erase the owner names)
          set: {
            areaCentiM2: r.areaCentiM2,
            ...(r.occupancy !== undefined ? { occupancy: r.occupancy } : {}),
            ...(r.ownerName !== undefined ? { ownerName: r.ownerName } : {}),
            updatedAt: now,
          },
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` })
      if (res[0]?.inserted) inserted++
      else updated++
    }
    return { inserted, updated }
  })
}
