// Display names come from the platform and anyone can set theirs to anything: they are shown, never trusted.
// One cleaning for every name that comes in (adapters, upsertMember), so what is stored is what is shown.

/** Longest display name kept, in code points. */
export const MAX_DISPLAY_NAME = 64

// Characters that change how a name looks without being part of it: bidi embeddings/overrides/isolates
// (U+202A–202E, U+2066–2069, U+061C, U+200E/200F), zero-width and invisible formatting (U+200B–200F,
// U+2060–2064, U+FEFF, U+180E, U+00AD, U+034F), blank "filler" letters used to fake an empty or spaced
// name (U+115F, U+1160, U+3164, U+FFA0), tag characters, and C0/C1 controls except whitespace.
const INVISIBLE =
  /[\u0000-\u0008\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u3164\uFEFF\uFFA0]|\uDB40[\uDC00-\uDC7F]/g
// every other kind of space, tab, line break and separator becomes one ordinary space
const SPACES = /[\s\u0085\u2028\u2029]+/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * A display name as stored and shown: NFC, invisible and control characters removed, whitespace collapsed,
 * at most MAX_DISPLAY_NAME code points. An empty result becomes `fallback`.
 */
export function cleanDisplayName(raw: string | null | undefined, fallback = ''): string {
  const cleaned = (raw ?? '')
    .replace(LONE_SURROGATE, '')
    .replace(INVISIBLE, '')
    .replace(SPACES, ' ')
    // composed last: a removed zero-width character may have stood between a letter and its accent
    .normalize('NFC')
    .trim()
  const capped = [...cleaned].slice(0, MAX_DISPLAY_NAME).join('').trim()
  return capped || fallback
}

/**
 * The key two names are compared by (is this the same name to a reader?): the cleaned name in NFKC
 * (full-width Ｗ = W), lower case, no spaces. Used to match a typed name and to spot namesakes.
 */
export function nameKey(name: string): string {
  return cleanDisplayName(name).normalize('NFKC').toLowerCase().replace(/\s+/g, '')
}

/** The end of a platform id, enough to tell two namesakes apart without publishing the id: `…4321`. */
export function maskId(platformUserId: string): string {
  const chars = [...platformUserId]
  return chars.length <= 4 ? platformUserId : `…${chars.slice(-4).join('')}`
}
