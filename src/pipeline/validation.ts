// Turns a zod issue into one localized sentence. Schemas use i18n keys as their messages.
import type { z } from 'zod'
import { hasKey, type Translator } from '../i18n/index.ts'

export function formatZodIssue(issue: z.core.$ZodIssue | undefined, t: Translator): string {
  if (!issue) return t('common.badArgs')
  // a key message may name the field ('common.missingArg': 缺少{field}。)
  if (hasKey(issue.message)) return t(issue.message, { field: fieldName(issue.path, t) })
  switch (issue.code) {
    case 'too_small':
      return t('common.tooShort', { field: fieldName(issue.path, t) })
    case 'too_big':
      return t('common.tooLong', { field: fieldName(issue.path, t) })
    case 'invalid_type':
      return issue.input === undefined ? t('common.missingArg', { field: fieldName(issue.path, t) }) : t('common.badArgs')
    default:
      return t('common.badArgs')
  }
}

function fieldName(path: PropertyKey[], t: Translator): string {
  const name = String(path[0] ?? '')
  const key = `field.${name}`
  return hasKey(key) ? t(key) : name
}
