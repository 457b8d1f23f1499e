// The disclosure schedule lives in src/domain/disclosure-schedule.ts (pure, shared with the supervisors' digest).
export * from '../domain/disclosure-schedule.ts'
