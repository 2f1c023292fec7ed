/**
 * What a stream request may carry: the caps on its size and the resume id, read and validated.
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/** Requests whose URL is longer than this many bytes get 414. @internal */
export const MAX_URL_BYTES = 8192

/** A `Last-Event-ID` header longer than this many characters gets 400. @internal */
export const MAX_LAST_EVENT_ID_LENGTH = 64

/** The ids this server hands out: 1 to 16 ASCII digits. */
const VALID_ID = /^\d{1,16}$/

/** Answers with a short plain-text error. @internal */
export function reject(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(`${message}\n`)
}

/**
 * Reads the last event id from the header, else the query parameter; `error` is set when it is invalid.
 * @internal
 */
export function readLastEventId(req: IncomingMessage, lastEventIdParam: string): { id?: string; error?: string } {
  // [spec] "If the event source's last event ID string is not the empty string, set (`Last-Event-ID`, last
  // event ID string, encoded as UTF-8) in request's header list." So an empty header means "no id".
  const header = req.headers['last-event-id']
  if (typeof header === 'string' && header !== '') {
    if (header.length > MAX_LAST_EVENT_ID_LENGTH) {
      return { error: `Last-Event-ID is longer than ${MAX_LAST_EVENT_ID_LENGTH} characters` }
    }
    return VALID_ID.test(header)
      ? { id: header }
      : { error: `Invalid Last-Event-ID ${JSON.stringify(header)}: expected 1 to 16 digits` }
  }
  const url = req.url ?? ''
  const query = url.indexOf('?')
  const param = query === -1 ? null : new URLSearchParams(url.slice(query + 1)).get(lastEventIdParam)
  if (param === null || param === '') return {}
  if (VALID_ID.test(param)) return { id: param }
  const shown = param.length > MAX_LAST_EVENT_ID_LENGTH ? `${param.slice(0, MAX_LAST_EVENT_ID_LENGTH)}…` : param
  return { error: `Invalid ${lastEventIdParam} ${JSON.stringify(shown)}: expected 1 to 16 digits` }
}
