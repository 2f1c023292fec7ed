/** @jest-environment node */
/**
 * The fetch transport's parser against a fixture corpus, in the manner of eventsource-parser's tests: named
 * streams, each fed whole, one character at a time, split at every point and in random pieces, with its line
 * endings as written and turned into CRLF and CR; every callback goes into one ordered log, which must equal both
 * the fixture's expected log and that of a parser written line for line from the spec (below), which reads the
 * whole stream at once.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
import { createParser, feed, reset } from '../../src/transports/parse'

type Entry = ['event', string, string, string] | ['retry', number] | ['too-large']

/** Feeds `pieces` to a new parser and logs every callback, in order. */
function run(pieces: string[], maxLength = 1 << 20, lastEventId = ''): { log: Entry[]; lastEventId: string } {
  const log: Entry[] = []
  const parser = createParser(maxLength, lastEventId, {
    onEvent: (type, data, id) => log.push(['event', type, data, id]),
    onRetry: (ms) => log.push(['retry', ms]),
    onTooLarge() {
      log.push(['too-large'])
      throw new Error('too large')
    },
  })
  try {
    for (const piece of pieces) feed(parser, piece)
  } catch (error) {
    if (!(error instanceof Error) || error.message !== 'too large') throw error
  }
  return { log, lastEventId: parser.last }
}

/**
 * The spec's steps as written, on the whole stream: split into lines at CRLF, LF or CR, each line processed in
 * turn; the text after the last line ending is an incomplete line and is not processed.
 */
function reference(stream: string, lastEventId = ''): { log: Entry[]; lastEventId: string } {
  const log: Entry[] = []
  let data = ''
  let type = ''
  let id = lastEventId
  const lines = stream.split(/\r\n|\n|\r/)
  for (const line of lines.slice(0, -1)) {
    if (line === '') {
      lastEventId = id
      if (data === '') {
        type = ''
        continue
      }
      if (data.endsWith('\n')) data = data.slice(0, -1)
      log.push(['event', type || 'message', data, lastEventId])
      data = type = ''
      continue
    }
    if (line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const name = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (name === 'event') type = value
    else if (name === 'data') data += value + '\n'
    else if (name === 'id' && !value.includes('\0')) id = value
    else if (name === 'retry' && /^[0-9]+$/.test(value)) log.push(['retry', Number(value)])
  }
  return { log, lastEventId }
}

const ev = (data: string, type = 'message', id = ''): Entry => ['event', type, data, id]
const LONG = 'x'.repeat(70_000)

/** The corpus: a name, a stream with LF line endings (unless it says otherwise), and the log it must give. */
const FIXTURES: Array<[name: string, stream: string, expected: Entry[]]> = [
  ['one event', 'data: hello\n\n', [ev('hello')]],
  ['many one-line events', 'data: a\n\ndata: b\n\ndata: c\n\n', [ev('a'), ev('b'), ev('c')]],
  ['data lines are joined with LF', 'data: a\ndata: b\ndata:\ndata: c\n\n', [ev('a\nb\n\nc')]],
  [
    'one leading space is stripped, no more',
    'data:none\n\ndata: one\n\ndata:  two\n\n',
    [ev('none'), ev('one'), ev(' two')],
  ],
  ['a colon in the value is kept', 'data: a: b:c\n\n', [ev('a: b:c')]],
  ['a line with no colon is a field with an empty value', 'data\n\ndata\ndata\n\n', [ev(''), ev('\n')]],
  ['an empty data field dispatches an empty string', 'data:\n\ndata: \n\n', [ev(''), ev('')]],
  ['comments are ignored', ': hi\ndata: a\n:\ndata: b\n\n: only a comment\n\n', [ev('a\nb')]],
  ['unknown fields are ignored; names are case-sensitive', 'foo: bar\nData: x\ndata: a\nDATA: y\n\n', [ev('a')]],
  ['field names are whole words', 'datax: 1\ndat: 2\nidx: 3\nevents: 4\ndata: a\n\n', [ev('a')]],
  ['event names the type of one event', 'event: add\ndata: 1\n\ndata: 2\n\n', [ev('1', 'add'), ev('2')]],
  ['event after data still names the event', 'data: 1\nevent: add\n\n', [ev('1', 'add')]],
  ['an empty event field means message', 'event:\ndata: 1\n\n', [ev('1')]],
  ['a block without data dispatches nothing and forgets its type', 'event: add\n\ndata: x\n\n', [ev('x')]],
  ['blank lines alone dispatch nothing', '\n\n\n\ndata: x\n\n\n', [ev('x')]],
  [
    'the last event id persists across events',
    'id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n',
    [ev('a', 'message', '1'), ev('b', 'message', '1'), ev('c', 'message', '2')],
  ],
  ['id after data in the same block', 'data: a\nid: 7\n\n', [ev('a', 'message', '7')]],
  [
    'an id containing NUL is ignored',
    'id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n',
    [ev('a', 'message', '1'), ev('b', 'message', '1')],
  ],
  [
    'an empty id resets the last event id',
    'id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\n\nid:\ndata: c\n\n',
    [ev('a', 'message', '1'), ev('b'), ev('c')],
  ],
  ['a block with only an id sets the id of the next event', 'id: 5\n\ndata: a\n\n', [ev('a', 'message', '5')]],
  [
    'retry: only ASCII digits',
    'retry: 50\nretry: 1.5\nretry: -1\nretry:  7\nretry\nretry: 0\ndata: a\n\n',
    [['retry', 50], ['retry', 0], ev('a')],
  ],
  ['data without a blank line at the end is not dispatched', 'data: a\n\ndata: b\n', [ev('a')]],
  ['an incomplete line at the end is not processed', 'data: a\n\nid: 9\ndata: b', [ev('a')]],
  ['multibyte text', 'data: ünïcödé 😀\n\ndata: 日本\n\n', [ev('ünïcödé 😀'), ev('日本')]],
  ['a BOM past the start is part of a field name', '\uFEFFdata: a\n\ndata: b\n\n', [ev('b')]],
  ['a long line', `data: ${LONG}\n\n`, [ev(LONG)]],
  [
    'mixed line endings',
    'data: one\r\rdata: two\n\ndata: three\r\n\r\nevent: x\rdata: a\r\ndata: b\n\r\n',
    [ev('one'), ev('two'), ev('three'), ev('a\nb', 'x')],
  ],
  ['a CR then LF is one line ending, LF then CR two', 'data: a\r\n\ndata: b\n\r', [ev('a'), ev('b')]],
  ['CR CR is a blank line', 'data: a\r\r', [ev('a')]],
  ['a one-line event ended by CR or CRLF', 'data: a\r\rdata: b\r\n\r\ndata: c\n\r\n', [ev('a'), ev('b'), ev('c')]],
]

/** The stream with its LF line endings turned into `ending` (the mixed fixtures are kept as they are). */
const withEnding = (stream: string, ending: string) =>
  stream.includes('\r') ? stream : stream.split('\n').join(ending)

/** A seeded generator, so that a failing split can be found again. */
function random(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
}

/** Ways to cut a stream into the pieces fed to the parser. */
function splits(stream: string): Array<[string, string[]]> {
  const ways: Array<[string, string[]]> = [
    ['whole', [stream]],
    ['one character at a time', [...stream]],
  ]
  const next = random(stream.length)
  for (let round = 0; round < 20; round++) {
    const pieces = []
    for (let at = 0; at < stream.length;) {
      const size = 1 + Math.floor(next() * 12)
      pieces.push(stream.slice(at, at + size))
      at += size
    }
    ways.push([`random pieces, round ${round}`, pieces])
  }
  if (stream.length < 200) {
    for (let at = 1; at < stream.length; at++) ways.push([`split at ${at}`, [stream.slice(0, at), stream.slice(at)]])
  }
  return ways
}

describe.each([
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['CR', '\r'],
])('line endings %s', (_, ending) => {
  test.each(FIXTURES)('%s', (_name, lfStream, expected) => {
    const stream = withEnding(lfStream, ending)
    const spec = reference(stream)
    expect(spec.log).toEqual(expected)
    for (const [how, pieces] of splits(stream)) {
      const got = run(pieces)
      if (got.log.length !== spec.log.length || JSON.stringify(got) !== JSON.stringify(spec)) {
        throw new Error(`${how}: ${JSON.stringify(got)} instead of ${JSON.stringify(spec)}`)
      }
    }
  })
})

test('the given last event id is the last event ID string until a blank line; the id buffer starts empty', () => {
  // As a new EventSource: its first request starts from an empty buffer (fetch.ts says why).
  expect(run(['id: 3\ndata: a'], 100, '41')).toEqual({ log: [], lastEventId: '41' })
  expect(run(['data: a\n\n'], 100, '41')).toEqual({ log: [ev('a')], lastEventId: '' })
})

test('an empty read between a CR and its LF changes nothing: CRLF stays one line ending', () => {
  const event = ['event', 'message', 'a\nb', '']
  expect(run(['data: a\r', '', '\ndata: b\n\n']).log).toEqual([event])
  expect(run(['data: a\r', '', '', '\n', '', 'data: b\r', '', '\n\r\n']).log).toEqual([event])
})

test('the one-line event dispatched at once keeps the type, the id and the limit of the event it ends', () => {
  expect(run(['event: tick\nid: 7\ndata: x\n\ndata: y\n\n']).log).toEqual([
    ['event', 'tick', 'x', '7'],
    ['event', 'message', 'y', '7'],
  ])
  expect(run(['data: 12345\n\n'], 4).log).toEqual([['too-large']])
  expect(run(['data: 1234\n\n'], 4).log).toEqual([['event', 'message', '1234', '']])
})

test('last is the last event ID string: set by a blank line, not by the id field alone', () => {
  const log: string[] = []
  const parser = createParser(100, '', {
    onEvent: () => undefined,
    onRetry: () => undefined,
    onTooLarge: () => {
      throw new Error('too large')
    },
  })
  feed(parser, 'id: 1\n')
  log.push(parser.last)
  feed(parser, '\n')
  log.push(parser.last)
  feed(parser, 'id: 2\ndata: x\n')
  log.push(parser.last)
  expect(log).toEqual(['', '1', '1'])
})

test('reset drops the incomplete line and event, and the id buffer starts from the last event ID string', () => {
  const log: Entry[] = []
  const parser = createParser(100, '', {
    onEvent: (type, data, id) => log.push(['event', type, data, id]),
    onRetry: (ms) => log.push(['retry', ms]),
    onTooLarge: () => {
      throw new Error('too large')
    },
  })
  feed(parser, 'id: 1\ndata: a\n\nid: 2\nevent: x\ndata: b\ndat')
  reset(parser)
  feed(parser, 'a: c\n\n')
  feed(parser, 'data: d\r')
  reset(parser)
  feed(parser, '\ndata: e\n\n')
  expect(log).toEqual([ev('a', 'message', '1'), ev('e', 'message', '1')])
})

describe('maxLength', () => {
  test.each([
    ['a one-line event in one piece', ['data: ' + 'x'.repeat(11) + '\n\n']],
    ['a one-line event in pieces', ['data: xxxxx', 'xxxxxx', '\n\n']],
    ['data of many lines', ['data: xxxxxx\ndata: xxxx\n']],
    ['a line still incomplete', ['data: x', 'xxxxxxxxxxxx']],
    ['a comment still incomplete', [': ' + 'x'.repeat(11)]],
  ])('%s longer than the limit fails', (_, pieces) => {
    expect(run(pieces, 10).log).toEqual([['too-large']])
  })

  test.each([
    ['data of the limit', ['data: ' + 'x'.repeat(10) + '\n\n'], [ev('x'.repeat(10))]],
    ['lines joined to the limit', ['data: xxxx\ndata: xxxxx\n\n'], [ev('xxxx\nxxxxx')]],
    ['events each under the limit', ['data: xxxxxxxx\n\n'.repeat(5)], Array(5).fill(ev('xxxxxxxx'))],
  ])('%s passes', (_, pieces, expected) => {
    expect(run(pieces, 10).log).toEqual(expected)
  })
})
