import type { DecodeFunction, DecodeOption } from './types'

/** The default decoder: the data as EventSource delivers it. @internal */
export const text: DecodeFunction = (raw) => raw
/** The `'json'` decoder: each event's data parsed as JSON. @internal */
export const json: DecodeFunction = (raw) => JSON.parse(raw)

/**
 * Turns the `decode` option into a function. `'text'` is the default: it is what EventSource delivers, and it
 * cannot fail; `'json'` parses each event's data.
 * @param option - `'text'`, `'json'` or a function
 * @internal
 */
export function toDecoder(option: DecodeOption = 'text'): DecodeFunction {
  return option === 'json' ? json : option === 'text' ? text : option
}
