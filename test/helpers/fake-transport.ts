import type { TransportSource } from '../../src/client'
import { SsekitError } from '../../src/errors'
import type { Channel, TransportFactory, TransportHandlers, TransportRequest } from '../../src/transports/types'
import type { TransportKind } from '../../src/types'

/** One connection opened by the fake transport, driven by hand. */
export interface FakeConnection {
  request: TransportRequest
  handlers: TransportHandlers
  /** The types listened to, in order. */
  listening: string[]
  channels: Channel[]
  closed: boolean
  /** The EventSource's last event ID buffer: carried over by events without an id, as in the spec. */
  lastId: string
  open(): void
  message(type: string, data: string, lastEventId?: string): void
  drop(reconnecting?: boolean): void
  refuse(status: number, retryAfterMs?: number): void
}

/** A transport source whose connections are opened, fed and failed by the test. */
export function createFakeTransport(kind: TransportKind = 'native') {
  const connections: FakeConnection[] = []
  /** The `transport` option of every lazy load, in order. */
  const wanted: string[] = []
  const factory = ((request: TransportRequest, handlers: TransportHandlers) => {
    const connection: FakeConnection = {
      request,
      handlers,
      listening: [],
      channels: [],
      closed: false,
      lastId: '',
      open: () => handlers.onOpen(),
      message: (type, data, lastEventId = connection.lastId) => {
        connection.lastId = lastEventId
        const channel = connection.channels[connection.listening.indexOf(type)]
        if (channel) handlers.onMessage(channel, data, lastEventId, 'http://test')
      },
      drop: (reconnecting = true) =>
        handlers.onError(new SsekitError('Connection lost', { code: 'network', url: request.url }), reconnecting),
      refuse: (status, retryAfterMs) =>
        handlers.onError(
          new SsekitError('status ' + status, {
            code: status === 204 ? 'no-content' : 'http-status',
            status,
            url: request.url,
            retryAfterMs,
          }),
          false,
        ),
    }
    connections.push(connection)
    return {
      listen: (channel: Channel) => {
        if (connection.listening.indexOf(channel.type) >= 0) return
        connection.listening.push(channel.type)
        connection.channels.push(channel)
      },
      close: () => {
        connection.closed = true
      },
    }
  }) as TransportFactory
  Object.defineProperty(factory, 'kind', { value: kind })
  const source: TransportSource = {
    native: () => (kind === 'native' ? factory : undefined),
    lazy: (option, done) => {
      wanted.push(option)
      done(factory)
    },
  }
  return {
    source,
    connections,
    wanted,
    get last(): FakeConnection {
      const connection = connections[connections.length - 1]
      if (!connection) throw new Error('no connection was opened')
      return connection
    },
  }
}
