import { getGlobal } from './global'

/**
 * What the page and the network tell the client: `pause` true when the browser went offline or the page was hidden /
 * put in the back/forward cache, false when it is online again or visible / restored. @internal
 */
export type LifecycleChange = (pause: boolean, reason: 'offline' | 'hidden') => void

type Target = {
  addEventListener(type: string, listener: (event: Event) => void): void
  removeEventListener(type: string, listener: (event: Event) => void): void
}

/**
 * Listens to `offline`/`online`, `pagehide`/`pageshow` (back/forward cache) and, when asked, `visibilitychange`.
 * Adds nothing where there is no window (Node, workers without these events). Returns the function that
 * removes every listener it added.
 * @internal
 */
export function watchLifecycle(pauseWhenHidden: boolean | undefined, change: LifecycleChange): () => void {
  const root = getGlobal() as unknown as Partial<Target> & { document?: Target & { visibilityState?: string } }
  const added: Array<() => void> = []
  const listen = (target: Partial<Target> | undefined, type: string, listener: (event: Event) => void) => {
    if (!target || !target.addEventListener) return
    target.addEventListener(type, listener)
    added.push(() => (target as Target).removeEventListener(type, listener))
  }
  const document = root.document
  listen(root, 'offline', () => change(true, 'offline'))
  listen(root, 'online', () => change(false, 'offline'))
  // A page in the back/forward cache must not hold a stream; restored, it reconnects at once.
  listen(root, 'pagehide', (event) => (event as PageTransitionEvent).persisted && change(true, 'hidden'))
  listen(root, 'pageshow', (event) => (event as PageTransitionEvent).persisted && change(false, 'hidden'))
  if (pauseWhenHidden && document) {
    listen(document, 'visibilitychange', () => change(document.visibilityState === 'hidden', 'hidden'))
  }
  return () => added.forEach((remove) => remove())
}

/** Whether the browser says it is offline (`navigator.onLine === false`); unknown counts as online. @internal */
export function isOffline(): boolean {
  const navigator = (getGlobal() as { navigator?: { onLine?: boolean } }).navigator
  return !!navigator && navigator.onLine === false
}
