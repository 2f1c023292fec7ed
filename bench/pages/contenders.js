// The six contenders behind one small interface, each used the way an app would use it:
//   open(url, {onOpen, onEvent(data), onDone(data), onError(reason)}) → close()
// Unnamed events go to `onEvent`, the stream's final `event: done` to `onDone`. Options are left at their
// defaults except the ssekit transport, so each figure is what a user gets out of the box.
import { createClient } from '/dist/index.js'
// eventsource-client and the eventsource-parser it imports, bundled into one module by the bench server.
import { createEventSource } from '/eventsource-client.js'

/** Raw EventSource-like constructors: native, or event-source-polyfill loaded by the page's script tag. */
function raw(Constructor) {
  return (url, handlers) => {
    const source = new Constructor(url)
    source.addEventListener('open', () => handlers.onOpen && handlers.onOpen())
    source.addEventListener('message', (event) => handlers.onEvent(event.data))
    source.addEventListener('done', (event) => handlers.onDone && handlers.onDone(event.data))
    source.addEventListener(
      'error',
      () => handlers.onError && handlers.onError('error event, readyState ' + source.readyState),
    )
    return () => source.close()
  }
}

/** ssekit on one transport; lifecycle comes from `subscribe`, events from `on`. */
function ssekit(transport) {
  return (url, handlers) => {
    const client = createClient(url, { transport })
    client.on('message', (data) => handlers.onEvent(data))
    client.on('done', (data) => handlers.onDone && handlers.onDone(data))
    client.subscribe((state) => {
      if (state.status === 'open' && handlers.onOpen) handlers.onOpen()
      if (state.error && handlers.onError) handlers.onError(state.status + ': ' + state.error.message)
    })
    client.connect()
    return () => client.disconnect()
  }
}

/**
 * eventsource-client as its README shows it: `createEventSource({ url, onMessage })`, `close()`. It has no error
 * callback: a stream that ends, or a request that fails, is seen as a disconnect or a scheduled reconnection.
 */
function eventsourceClient(url, handlers) {
  const source = createEventSource({
    url,
    onMessage: ({ data, event }) => {
      if (!event || event === 'message') handlers.onEvent(data)
      else if (event === 'done' && handlers.onDone) handlers.onDone(data)
    },
    onConnect: () => handlers.onOpen && handlers.onOpen(),
    onDisconnect: () => handlers.onError && handlers.onError('disconnected'),
    onScheduleReconnect: ({ delay }) => handlers.onError && handlers.onError('reconnecting in ' + delay + ' ms'),
  })
  return () => source.close()
}

export const CONTENDERS = {
  native: raw(globalThis.EventSource),
  'ssekit-native': ssekit('native'),
  polyfill: raw(globalThis.EventSourcePolyfill),
  'ssekit-polyfill': ssekit('polyfill'),
  'ssekit-fetch': ssekit('fetch'),
  'eventsource-client': eventsourceClient,
}
