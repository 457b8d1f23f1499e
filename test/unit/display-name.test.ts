import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cleanDisplayName, MAX_DISPLAY_NAME, maskId, nameKey } from '../../src/domain/display-name.ts'

describe('cleanDisplayName', () => {
  it('removes bidi overrides and isolates, zero-width and control characters', () => {
    expect(cleanDisplayName('\u202E王芳')).toBe('王芳')
    expect(cleanDisplayName('王\u200B芳\u200D')).toBe('王芳')
    expect(cleanDisplayName('\u2066老王\u2069\u202C')).toBe('老王')
    expect(cleanDisplayName('\uFEFFAli\u2060ce\u00AD')).toBe('Alice')
    expect(cleanDisplayName('张\u0000三\u0007\u009B')).toBe('张三')
    // "主任" spelled backwards under a right-to-left override reads "主任" but is not
    expect(cleanDisplayName('\u202E任主')).toBe('任主')
  })

  it('collapses whitespace of every kind, trims, and composes (NFC)', () => {
    expect(cleanDisplayName('  王\t\n秀\u3000\u2005英  ')).toBe('王 秀 英')
    expect(cleanDisplayName('Jose\u0301')).toBe('José')
    expect(cleanDisplayName('a\u2028b')).toBe('a b')
    expect(cleanDisplayName('e\u200B\u0301')).toBe('é')
  })

  it('falls back when nothing visible is left, and caps the length in code points', () => {
    expect(cleanDisplayName('\u200B\u202E \u3164', 'u1')).toBe('u1')
    expect(cleanDisplayName(undefined, '?')).toBe('?')
    const long = '😀'.repeat(100)
    expect([...cleanDisplayName(long)]).toHaveLength(MAX_DISPLAY_NAME)
    expect(cleanDisplayName('\uD800王')).toBe('王') // a lone surrogate
  })

  // names built from the characters that matter: letters, spaces, invisibles, controls, combining marks, surrogates
  const pieces = ['a', 'Z', '王', '芳', ' ', '\t', '\n', '\u3000', '\u2005', '\u200B', '\u200D', '\u202E', '\u2066', '\uFEFF', '\u0000', '\u009B', '\u0301', '\uD83D', '\uDE00', '😀', 'é']
  const nameish = fc.array(fc.constantFrom(...pieces), { maxLength: 90 }).map((a) => a.join(''))

  it('is idempotent and leaves no invisible character behind (property)', () => {
    const invisible = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/
    fc.assert(
      fc.property(nameish, (s) => {
        const once = cleanDisplayName(s)
        return cleanDisplayName(once) === once && !invisible.test(once) && once === once.trim()
      }),
      { numRuns: 300 },
    )
  })
})

describe('nameKey and maskId', () => {
  it('reads full-width, case and spacing as the same name', () => {
    expect(nameKey('Ａlice')).toBe(nameKey('alice'))
    expect(nameKey('王 芳')).toBe(nameKey('\u202E王芳'))
    expect(nameKey('王芳')).not.toBe(nameKey('王方'))
  })

  it('shows only the end of a long id', () => {
    expect(maskId('wxid_abcdef1234')).toBe('…1234')
    expect(maskId('111111111')).toBe('…1111')
    expect(maskId('u1')).toBe('u1')
  })
})
