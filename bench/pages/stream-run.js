// One timed connection: opens a stream with one contender, feeds every event to `onEvent`, and settles once with
// the outcome: on `event: done`, when `onEvent` returns true, on an error, or on the timeout. The connection is
// closed before it settles.

/**
 * @param open - a contender's `open`
 * @param url - the stream URL
 * @param onEvent - called with each unnamed event's data; returning true ends the run
 * @param timeoutMs - the longest the run may take
 * @returns `{ok: true, doneData}` or `{ok: false, error}`
 */
export function streamRun(open, url, onEvent, timeoutMs) {
  return new Promise((resolve) => {
    let settled = false
    let close
    let timer
    const settle = (outcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (close) close()
      resolve(outcome)
    }
    timer = setTimeout(() => settle({ ok: false, error: `timeout after ${timeoutMs} ms` }), timeoutMs)
    close = open(url, {
      onEvent: (data) => onEvent(data) === true && settle({ ok: true }),
      onDone: (data) => settle({ ok: true, doneData: data }),
      onError: (reason) => settle({ ok: false, error: reason }),
    })
    if (settled) close()
  })
}
