// The login QR code as terminal art, from whichever QR package happens to be installed (neither is a dependency).

/** The QR code as terminal art: qrcode-terminal when installed, else qrcode; undefined when neither is. */
export async function terminalQr(value: string): Promise<string | undefined> {
  const load = (name: string): Promise<Record<string, unknown> | undefined> =>
    import(/* @vite-ignore */ name).then((m: Record<string, unknown>) => (m.default ?? m) as Record<string, unknown>).catch(() => undefined)
  const qt = await load('qrcode-terminal')
  if (qt && typeof qt.generate === 'function') {
    const generate = qt.generate as (v: string, o: { small: boolean }, cb: (s: string) => void) => void
    return new Promise((res) => generate(value, { small: true }, res))
  }
  const qr = await load('qrcode')
  if (qr && typeof qr.toString === 'function') {
    const toString = qr.toString as unknown as (v: string, o: { type: string; small: boolean }) => Promise<string>
    return toString(value, { type: 'terminal', small: true }).catch(() => undefined)
  }
  return undefined
}
