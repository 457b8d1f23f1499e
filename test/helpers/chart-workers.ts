// Set-up file of every test file (vitest.config.ts): the chart worker threads a file started (src/disclosure/
// chart-pool.ts: every 公示 and scheduled disclosure renders its chart there) end with the file, not a minute later.
import { afterAll } from 'vitest'
import { closeChartPool } from '../../src/disclosure/chart-pool.ts'

afterAll(() => closeChartPool())
