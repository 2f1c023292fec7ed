/**
 * The event stream parser of the fetch transport: text in (already UTF-8 decoded, so the BOM is gone), events out,
 * exactly as the WHATWG spec describes, in one pass over each chunk. Written for ssekit rather than taken from
 * eventsource-parser, which is three quarters of the fetch chunk's size budget by itself (BENCH.md, "The fetch
 * parser"); it is held to the same fixture cases (test/transports/parse.test.ts).
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

/**
 * What the parser reports: called as methods of the parser, which is this object with the parser's state added
 * (see {@link createParser}). @internal
 */
export interface ParserHandlers {
  /**
   * A dispatched event: its type (`message` when the stream named none), its data, and the stream's last event ID
   * string after it. Plain arguments rather than an object, since this runs for every event.
   */
  onEvent(type: string, data: string, lastEventId: string): void
  /** A `retry:` field of only ASCII digits: the new reconnection time in milliseconds. */
  onRetry(delayMs: number): void
  /** A line or the data of one event grew past the limit: it must throw, and parsing stops there. */
  onTooLarge(): never
}

/** Whether the line at `start` of `chunk` is a `data:` field: by character codes, faster than `startsWith`. */
function isData(chunk: string, start: number): boolean {
  return (
    chunk.charCodeAt(start) === 100 &&
    chunk.charCodeAt(start + 1) === 97 &&
    chunk.charCodeAt(start + 2) === 116 &&
    chunk.charCodeAt(start + 3) === 97 &&
    chunk.charCodeAt(start + 4) === 58
  )
}

/**
 * The state of one stream's parser: a plain object read by the functions below, rather than closures of one
 * parser, so that the code V8 compiles for them serves every parser and outlives each (BENCH.md, "Why
 * ssekit-fetch was at 0.68× eventsource-client"). @internal
 */
export interface Parser extends ParserHandlers {
  /**
   * The last event ID string: what a reconnection sends as `Last-Event-ID`. [spec] It is set from the last event
   * ID buffer (`id`) when an event is dispatched.
   */
  last: string
  /** [spec] The last event ID buffer. */
  id: string
  /** [spec] The data buffer, without the LF after its last line. */
  data: string
  /** Whether the data buffer holds a line (it may be an empty one). */
  hasData: boolean
  /** [spec] The event type buffer. */
  type: string
  /** An incomplete line carried over to the next chunk. */
  rest: string
  /** The last chunk ended with a CR: a LF at the start of the next one is part of the same line ending. */
  skipLf: boolean
  /** The longest line, and the longest data of one event, in characters. */
  readonly max: number
}

/**
 * Creates a parser.
 * @param maxLength - the longest line, and the longest data of one event, in characters
 * @param lastEventId - the last event ID string to start from
 * @param handlers - receives events and `retry:` values, as methods: the parser is this object, its state added
 * @internal
 */
export function createParser(maxLength: number, lastEventId: string, handlers: ParserHandlers): Parser {
  // [spec] "When a stream is parsed, a data buffer, an event type buffer, and a last event ID buffer must be
  // associated with it. They must be initialized to the empty string."
  return Object.assign(handlers, {
    last: lastEventId,
    id: '',
    data: '',
    hasData: false,
    type: '',
    rest: '',
    skipLf: false,
    max: maxLength,
  })
}

/**
 * Parses the next piece of the stream. The parser's state is read into variables at the start and written back at
 * the end; the steps for one line are functions inside, over those variables.
 * @internal
 */
export function feed(parser: Parser, text: string): void {
  const max = parser.max
  let { id, data, hasData, type, rest } = parser

  /** [spec] "If the line is empty (a blank line): Dispatch the event." */
  function dispatch(): void {
    // [spec] "Set the last event ID string of the event source to the value of the last event ID buffer."
    parser.last = id
    // [spec] "If the data buffer is an empty string, set the data buffer and the event type buffer to the empty
    // string and return." Otherwise the event's type is the event type buffer, or `message` when it is empty.
    if (hasData) parser.onEvent(type || 'message', data, id)
    data = type = ''
    hasData = false
  }

  function append(value: string): void {
    // [spec] "Append the field value to the data buffer, then append a single U+000A LINE FEED (LF) character to
    // the data buffer." The LF between lines is added here, the one after the last never is (it would be removed).
    data = hasData ? data + '\n' + value : value
    hasData = true
    if (data.length > max) parser.onTooLarge()
  }

  function field(name: string, value: string): void {
    if (name === 'data') append(value)
    else if (name === 'event') type = value
    // [spec] "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field
    // value. Otherwise, ignore the field."
    else if (name === 'id') {
      if (value.indexOf('\0') < 0) id = value
    }
    // [spec] "If the field value consists of only ASCII digits, then interpret the field value as an integer in
    // base ten, and set the event stream's reconnection time to that integer. Otherwise, ignore the field."
    else if (name === 'retry' && /^\d+$/.test(value)) parser.onRetry(parseInt(value, 10))
    // [spec] Any other field name: "The field is ignored."
  }

  /** A line that is not empty. */
  function line(chunk: string, start: number, end: number): void {
    // The common line, without a slice for its field name.
    if (isData(chunk, start)) {
      // [spec] "If value starts with a U+0020 SPACE character, remove it from value."
      return append(chunk.slice(chunk.charCodeAt(start + 5) === 32 ? start + 6 : start + 5, end))
    }
    const text = chunk.slice(start, end)
    const colon = text.indexOf(':')
    // [spec] "If the line starts with a U+003A COLON character (:)": "Ignore the line."
    if (colon === 0) return
    // [spec] No colon: "using the whole line as the field name, and the empty string as the field value."
    if (colon < 0) return field(text, '')
    field(text.slice(0, colon), text.slice(text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1))
  }

  // A long line in many chunks: only the new text is searched, and the pieces are joined once. (An empty read
  // changes nothing: a CR that ended the last chunk still waits for the LF that may follow it.)
  if (!text || (rest && text.indexOf('\n') < 0 && text.indexOf('\r') < 0)) {
    rest = parser.rest = rest + text
    if (rest.length > max) parser.onTooLarge()
    return
  }
  const chunk = rest + text
  let start = 0
  if (parser.skipLf) {
    parser.skipLf = false
    if (chunk.charCodeAt(0) === 10) start = 1
  }
  let lf = chunk.indexOf('\n', start)
  let cr = chunk.indexOf('\r', start)
  for (;;) {
    // [spec] "a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF)
    // character not preceded by a U+000D CARRIAGE RETURN (CR) character, and a single U+000D CARRIAGE RETURN
    // (CR) character not followed by a U+000A LINE FEED (LF) character being the ways in which a line can end."
    if (lf >= 0 && lf < start) lf = chunk.indexOf('\n', start)
    if (cr >= 0 && cr < start) cr = chunk.indexOf('\r', start)
    const end = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr
    if (end < 0) break
    if (end === start) dispatch()
    // The common event, one `data:` line and the blank line after it, both ended by LF: dispatched here at
    // once, as the two lines would be, in one turn of the loop rather than two.
    else if (!hasData && end === lf && chunk.charCodeAt(end + 1) === 10 && isData(chunk, start)) {
      const value = chunk.slice(chunk.charCodeAt(start + 5) === 32 ? start + 6 : start + 5, end)
      if (value.length > max) parser.onTooLarge()
      parser.last = id
      parser.onEvent(type || 'message', value, id)
      type = ''
      start = end + 2
      continue
    } else line(chunk, start, end)
    start = end + 1
    if (end === cr) {
      if (start === chunk.length) parser.skipLf = true
      else if (chunk.charCodeAt(start) === 10) start++
    }
  }
  rest = chunk.slice(start)
  Object.assign(parser, { id, data, hasData, type, rest })
  if (rest.length > max) parser.onTooLarge()
}

/**
 * Starts a new stream (a reconnection): the incomplete line and event of the last one are dropped, and the last
 * event ID buffer starts from the last event ID string, as browsers do.
 * @internal
 */
export function reset(parser: Parser): void {
  // [spec] "Once the end of the file is reached, any pending data must be discarded. (If the file ends in the
  // middle of an event, before the final empty line, the incomplete event is not dispatched.)"
  parser.rest = parser.data = parser.type = ''
  parser.hasData = parser.skipLf = false
  parser.id = parser.last
}
