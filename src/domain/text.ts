// How typed text is read before any command sees it: pure, no I/O. The parser matches keywords on
// normalized text; commands split their arguments with `tokens`.

// Zero-width and bidi control characters carry no meaning in a command and break matching.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g

// Chinese prose punctuation stays as typed (descriptions and reasons are stored); every parser accepts both forms.
const KEEP_AS_TYPED = /([，！？；（）])/

/** NFKC (full-width → ASCII, ideographic space → space), invisible characters removed, spaces collapsed. */
export function normalizeText(input: string): string {
  // lone surrogates would make normalize() keep garbage; replace them first
  const safe = input.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
  return safe
    .split(KEEP_AS_TYPED)
    .map((part, i) => (i % 2 === 1 ? part : part.normalize('NFKC')))
    .join('')
    .replace(INVISIBLE, '')
    .replace(/[ \t\u00A0\u2000-\u200A\u3000]+/g, ' ')
    .trim()
}

/** Split arguments on whitespace. */
export function tokens(args: string): string[] {
  return args.split(/\s+/).filter(Boolean)
}
