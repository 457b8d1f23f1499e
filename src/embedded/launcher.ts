// `npm start` and `npm run linli` run this process under npm (npm → sh → node). SIGKILL to npm cannot be
// passed on, and would leave this process running on its data folder, its launcher gone — a supervisor
// restarting `npm start` would then find the folder taken. So under npm the process watches its launcher
// and stops (as on SIGTERM) when it is gone.
import { readFileSync } from 'node:fs'

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ash'])

/** Call `onGone` once when the npm process that launched this one has ended. Does nothing outside npm. */
export function watchLauncher(onGone: () => void, intervalMs = 500): void {
  if (!process.env.npm_lifecycle_event) return
  // links child → parent to watch: ours, and the shell's when npm ran us through one
  const links: Array<{ child: number | 'self'; parent: number }> = [{ child: 'self', parent: process.ppid }]
  if (SHELLS.has(commOf(process.ppid) ?? '')) {
    const npm = parentOf(process.ppid)
    if (npm) links.push({ child: process.ppid, parent: npm })
  }
  const timer = setInterval(() => {
    // a process whose parent dies is re-parented at once (even before the parent is reaped)
    const broken = links.some((l) => (l.child === 'self' ? process.ppid : parentOf(l.child)) !== l.parent)
    if (!broken) return
    clearInterval(timer)
    onGone()
  }, intervalMs)
  timer.unref()
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return null // gone, or no /proc (macOS: only our own parent is watched)
  }
}

function commOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return null
  }
}
