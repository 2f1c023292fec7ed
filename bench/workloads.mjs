// The throughput streams, encoded once into one buffer each so that the server only copies bytes to the socket
// while a contender is timed. Every stream ends with `event: done` whose data is the number of events sent.

/** Printable ASCII of exactly `length` characters (no line breaks), different for every `seed`. */
function payload(length, seed) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  let text = ''
  for (let i = 0; i < length; i++) text += alphabet[(seed + i * 7) % alphabet.length]
  return text
}

/** One event's wire form with `lines` data lines of `lineLength` characters each. */
function encodeEvent(lines, lineLength, seed) {
  let text = ''
  for (let line = 0; line < lines; line++) text += 'data: ' + payload(lineLength, seed + line) + '\n'
  return text + '\n'
}

/** Encodes `count` events, cycling through a few distinct ones so strings are not all identical. */
function encodeStream(count, lines, lineLength) {
  const variants = Array.from({ length: 16 }, (_, seed) => Buffer.from(encodeEvent(lines, lineLength, seed)))
  const parts = []
  for (let i = 0; i < count; i++) parts.push(variants[i % variants.length])
  parts.push(Buffer.from(`event: done\ndata: ${count}\n\n`))
  return Buffer.concat(parts)
}

/**
 * The scenarios: `eventBytes` is the size of one event on the wire. `small`: 100-byte events (`data: ` + 92
 * characters + two line feeds); `tiny`: 9-byte events (`data: ` + one character); `mb`: 1 MB events of 10,486
 * data lines of 93 characters (100 bytes per line with `data: ` and the line feed), which the client joins.
 */
export const SCENARIOS = {
  warm: { label: 'warm-up (not reported)', count: 2000, lines: 1, lineLength: 92 },
  small: { label: '100,000 events of 100 B', count: 100_000, lines: 1, lineLength: 92 },
  tiny: { label: '300,000 events of 9 B', count: 300_000, lines: 1, lineLength: 1 },
  mb: { label: '20 events of 1 MB (10,486 lines each)', count: 20, lines: 10_486, lineLength: 93 },
}

const cache = new Map()

/** The encoded stream of a scenario, built on first use. */
export function streamOf(name) {
  const scenario = SCENARIOS[name]
  if (!scenario) return undefined
  if (!cache.has(name)) cache.set(name, encodeStream(scenario.count, scenario.lines, scenario.lineLength))
  return cache.get(name)
}

/** Bytes of one event of a scenario on the wire. */
export function eventBytes(name) {
  const scenario = SCENARIOS[name]
  return scenario.lines * (scenario.lineLength + 7) + 1
}
