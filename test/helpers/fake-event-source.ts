/**
 * A stand-in for the browser's EventSource, installed as the global one, so that hooks such as `useClient` run the
 * real `createClient` and native transport in jsdom. Every instance is kept, in order, for the test to drive.
 */
export class FakeEventSource {
  /** Every instance made since the test last emptied the list. */
  static instances: FakeEventSource[] = []
  readyState = 0
  private listeners: Record<string, Array<(event: object) => void>> = {}
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this)
  }
  addEventListener(type: string, listener: (event: object) => void): void {
    ;(this.listeners[type] = this.listeners[type] || []).push(listener)
  }
  close(): void {
    this.readyState = 2
  }
  /** Fires an event of `type` with `fields` (`data`, `lastEventId`, `origin` for a message). */
  emit(type: string, fields: object = {}): void {
    if (type === 'open') this.readyState = 1
    for (const listener of this.listeners[type] || []) listener({ type, ...fields })
  }
}
