// Records a client's states and events into one ordered log, `window.log`, for the browser tests to read.
// Plain ES5, so it also runs next to the script-tag build.
;(function () {
  'use strict'
  window.log = []

  function stateEntry(state) {
    var entry = { kind: 'state', status: state.status, attempt: state.attempt, transport: state.transport }
    if (state.delayMs !== undefined) entry.delayMs = state.delayMs
    if (state.role) entry.role = state.role
    if (state.error) {
      entry.code = state.error.code
      if (state.error.status !== undefined) entry.httpStatus = state.error.status
    }
    return entry
  }

  window.harness = {
    // Creates a client with `lib.createClient(url, options)`, records it, and connects it.
    start: function (lib, url, options, types) {
      // Options every client of the page gets unless the test gives them (see preparePage in harness.ts).
      var merged = {}
      var defaults = window.defaultOptions || {}
      for (var key in defaults) merged[key] = defaults[key]
      for (key in options) merged[key] = options[key]
      var client = lib.createClient(url, merged)
      window.client = client
      client.subscribe(function (state) {
        window.log.push(stateEntry(state))
      })
      types.forEach(function (type) {
        client.on(type, function (data, meta) {
          window.log.push({ kind: 'event', type: type, data: data, id: meta.lastEventId })
        })
      })
      client.connect()
      return client.state.status
    },
  }
})()
