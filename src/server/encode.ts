/**
 * Pure wire helpers: turn a message into the text of one Server-Sent Events frame.
 *
 * Nothing here does I/O. The channel writes the strings these functions return.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
 * @packageDocumentation
 */

/**
 * One event (or comment) as it goes on the wire. Every field is optional; an empty message encodes to a lone
 * blank line.
 *
 * @example
 * ```ts
 * const message: SseMessage = {event: 'price', id: '42', data: {symbol: 'ACME', value: 7}}
 * res.write(encode(message)) // event: price\nid: 42\ndata: {"symbol":"ACME","value":7}\n\n
 * ```
 * @public
 */
export interface SseMessage {
  /** The event type. Left out, the browser dispatches a `message` event. Must not contain CR or LF. */
  event?: string
  /** The event id, which the browser sends back as `Last-Event-ID` on reconnect. Must not contain CR, LF or NUL. */
  id?: string
  /** The reconnection delay hint in milliseconds: a non-negative integer. */
  retry?: number
  /** The payload. A string is written as is (one `data:` line per line); anything else is `JSON.stringify`ed. */
  data?: unknown
  /** A comment, written first. Browsers ignore it; it keeps proxies from timing the stream out. */
  comment?: string
}

// [spec] "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair,
// a single U+000A LINE FEED (LF) character, or a single U+000D CARRIAGE RETURN (CR) character."
const LINE_BREAK = /\r\n|\r|\n/

/** Shows a value inside an error message, quoted and with its control characters escaped. */
function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

/** Prefixes every line of `text` with `field` (`data`) or with a colon (comments, when `field` is empty). */
function fieldLines(field: string, text: string): string {
  let out = ''
  for (const line of text.split(LINE_BREAK)) {
    if (field === '') {
      // [spec] "If the line starts with a U+003A COLON character (:) Ignore the line."
      out += line === '' ? ':\n' : `: ${line}\n`
    } else {
      // [spec] "If value starts with a U+0020 SPACE character, remove it from value." One space is always
      // written, so data that itself starts with a space keeps it.
      out += line === '' ? `${field}:\n` : `${field}: ${line}\n`
    }
  }
  return out
}

/** Turns `data` into the text that goes after `data:`. */
function dataText(data: unknown): string {
  if (typeof data === 'string') return data
  const json: string | undefined = JSON.stringify(data)
  if (json === undefined) {
    throw new TypeError(`encode: data of type ${typeof data} cannot be serialized as JSON`)
  }
  return json
}

/**
 * Encodes one message as an event-stream frame, ending with the blank line that dispatches it.
 *
 * Fields are written in the order comment, `event`, `id`, `retry`, `data`. String data containing line breaks
 * (CRLF, CR or LF) becomes several `data:` lines, which the browser joins back with LF, so data can never end
 * an event early or inject a field.
 *
 * @param message - The fields to write.
 * @returns The frame, ending with `\n\n`.
 * @throws TypeError when `event` or `id` contains a line break (or `id` a NUL), when `retry` is not a
 * non-negative integer, or when `data` cannot be serialized.
 *
 * @example
 * ```ts
 * encode({event: 'price', id: '42', data: {value: 1}})
 * // 'event: price\nid: 42\ndata: {"value":1}\n\n'
 * encode({data: 'two\nlines'})
 * // 'data: two\ndata: lines\n\n'
 * ```
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 * @public
 */
export function encode(message: SseMessage): string {
  const { event, id, retry, data, comment } = message
  let out = ''
  if (comment !== undefined) out += fieldLines('', comment)
  if (event !== undefined) {
    if (/[\r\n]/.test(event)) {
      throw new TypeError(`encode: event must not contain CR or LF, got ${quote(event)}`)
    }
    out += `event: ${event}\n`
  }
  if (id !== undefined) {
    // [spec] "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field
    // value. Otherwise, ignore the field." A NUL would make the browser silently drop the id.
    if (/[\r\n\0]/.test(id)) {
      throw new TypeError(`encode: id must not contain CR, LF or NUL, got ${quote(id)}`)
    }
    out += `id: ${id}\n`
  }
  if (retry !== undefined) {
    // [spec] "If the field value consists of only ASCII digits, then interpret the field value as an integer in
    // base ten, and set the event stream's reconnection time to that integer. Otherwise, ignore the field."
    if (!Number.isSafeInteger(retry) || retry < 0) {
      throw new TypeError(`encode: retry must be a non-negative integer, got ${quote(retry)}`)
    }
    out += `retry: ${retry}\n`
  }
  if (data !== undefined) out += fieldLines('data', dataText(data))
  // [spec] "If the line is empty (a blank line) Dispatch the event"
  return `${out}\n`
}

/**
 * Encodes a comment frame, such as a heartbeat. Each line of `text` becomes a line starting with `:`.
 *
 * @param text - The comment; may contain line breaks.
 * @returns The frame, ending with `\n\n`.
 *
 * @example
 * ```ts
 * encodeComment('ping') // ': ping\n\n'
 * ```
 * @public
 */
export function encodeComment(text: string): string {
  return encode({ comment: text })
}
