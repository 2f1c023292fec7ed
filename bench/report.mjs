// Markdown tables from the bench's results object (the same object that is written as JSON).
import { moduleTable, sizeTable } from '../scripts/size.mjs'
import { contenderSizeRows } from './contender-size.mjs'
import { CONTENDERS, PAIRS, WRAPS, pairName } from './session.mjs'
import { SCENARIO_NAMES } from './throughput.mjs'

/** Throughput targets per pair: the ratio, and the workloads it is set for (all where none are named). */
const TARGET_RATIO = {
  'ssekit-native / native': { ratio: 0.97 },
  'ssekit-polyfill / polyfill': { ratio: 1.0 },
  'ssekit-fetch / polyfill': { ratio: 2.0, scenarios: ['small'] },
  'ssekit-fetch / eventsource-client': { ratio: 0.9, scenarios: ['small'] },
}
/** What ssekit may add to the latency of the EventSource it wraps (the pairs of WRAPS; the others have no target). */
const TARGET_ADDED_P99_MS = 0.3

const int = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—')
const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '—')
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n')
const verdict = (met, by) => (met ? `met (${by})` : `**missed by ${by}**`)

function machine(meta) {
  return table(
    ['Chromium', 'Node', 'CPU', 'cores', 'date', 'load average at start → end', 'CPU steal during the run'],
    [
      [
        meta.chromium,
        meta.node,
        meta.cpu,
        meta.cores,
        meta.date,
        `${meta.loadStart.map((n) => n.toFixed(2)).join(' ')} → ${(meta.loadEnd || []).map((n) => n.toFixed(2)).join(' ')}`,
        `${fixed(meta.stealPercent, 1)} %`,
      ],
    ],
  )
}

function throughput(result) {
  const parts = [`${result.rounds} rounds; time from creating the EventSource (or \`connect()\`) to \`event: done\`.`]
  for (const scenario of SCENARIO_NAMES) {
    const figure = result.figures[scenario]
    const rows = CONTENDERS.map((contender) => {
      const { ms, cpuMs, eventsPerSecond, samples } = figure.contenders[contender]
      const megabytes = (figure.wireBytes / 1e6 / ms.median) * 1000
      return [
        contender,
        int(eventsPerSecond),
        fixed(megabytes, 1),
        fixed(ms.median, 1),
        `${fixed(ms.min, 1)}–${fixed(ms.max, 1)}`,
        cpuMs ? `${fixed(cpuMs.median, 1)} (${fixed(cpuMs.min, 1)}–${fixed(cpuMs.max, 1)})` : '—',
        samples.length,
      ]
    })
    parts.push(
      `**${figure.label}**\n\n` +
        table(
          ['contender', 'events/s (median)', 'MB/s', 'median ms', 'min–max ms', 'CPU ms, median (min–max)', 'runs'],
          rows,
        ),
    )
  }
  const rows = []
  for (const scenario of SCENARIO_NAMES) {
    for (const pair of PAIRS) {
      const name = pairName(pair)
      const ratio = result.figures[scenario].ratios[name]
      const { ratio: target, scenarios } = TARGET_RATIO[name]
      const judged = !scenarios || scenarios.includes(scenario)
      const points = Math.abs((ratio.median - target) * 100)
      // Two decimals where one would read 0.0.
      const by = `${points.toFixed(points < 0.05 ? 2 : 1)} points`
      rows.push([
        result.figures[scenario].label,
        name,
        `${fixed(ratio.median, 3)}×`,
        `${fixed(ratio.min, 3)}–${fixed(ratio.max, 3)}`,
        `${fixed(ratio.ofMedians, 3)}×`,
        `${fixed(ratio.ofFastest, 3)}×`,
        judged ? `≥ ${target.toFixed(2)}×` : '—',
        judged ? verdict(ratio.median >= target, by) : 'no target here',
        ratio.cpu && ratio.cpu.n
          ? `${fixed(ratio.cpu.median, 3)}× (${fixed(ratio.cpu.min, 3)}–${fixed(ratio.cpu.max, 3)})`
          : '—',
      ])
    }
  }
  parts.push(
    "Speed ratios (the other contender's time ÷ ssekit time, paired within each round; above 1 means ssekit is " +
      'faster; the status judges the median of rounds, on the workloads a target is set for; "of fastest" divides ' +
      'the two fastest runs, the ones the machine disturbed least; ' +
      '"CPU time" is the same paired ratio of the CPU time all of Chromium spent on each run, median of rounds ' +
      '(min–max), which waiting for a busy machine does not inflate):\n\n' +
      table(
        [
          'workload',
          'ratio',
          'median of rounds',
          'min–max',
          'of medians',
          'of fastest',
          'target',
          'status',
          'CPU time',
        ],
        rows,
      ),
  )
  if (result.failures.length)
    parts.push(
      'Failed runs:\n\n' +
        result.failures.map((run) => `- ${run.contender} ${run.scenario} round ${run.round}: ${run.error}`).join('\n'),
    )
  return parts.join('\n\n')
}

function latency(result) {
  const rows = CONTENDERS.map((contender) => {
    const { latency: l, firstEvent: f } = result.contenders[contender]
    return [
      contender,
      int(l.n),
      fixed(l.p50, 3),
      fixed(l.p99, 3),
      fixed(l.max, 3),
      `${fixed(f.median, 2)} (${fixed(f.min, 2)}–${fixed(f.max, 2)})`,
    ]
  })
  const added = Object.entries(result.added).map(([name, a]) => {
    const judged = WRAPS[a.ours] === a.theirs
    const status = (ms) =>
      judged ? verdict(ms <= TARGET_ADDED_P99_MS, `${fixed(Math.abs(ms - TARGET_ADDED_P99_MS), 3)} ms`) : 'no target'
    return [
      name,
      `${fixed(a.p50, 3)} / ${fixed(a.p99, 3)} ms`,
      status(a.p99),
      `${fixed(a.paired.p50, 3)} / ${fixed(a.paired.p99, 3)} ms`,
      status(a.paired.p99),
      `${fixed(a.firstEvent, 2)} ms`,
    ]
  })
  const offset = result.clockOffset
  return [
    `${result.rate} events/s on each contender's own stream for ${result.msPerRun} ms, the ${CONTENDERS.length} streams at once (the server rotates which one it writes first), ` +
      `${result.rounds} round(s) pooled, the first ${result.skip} samples of each stream dropped; ` +
      `time to first event over ${result.tries} tries. Page clock − server clock, estimated from the fastest of 30 round trips: ` +
      `${fixed(offset.offsetMs, 3)} ms (RTT ${fixed(offset.rttMs, 3)} ms); cross-origin isolated page (5 µs timer): ${result.page.crossOriginIsolated}.`,
    table(['contender', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'first event ms, median (min–max)'], rows),
    `Added by ssekit over the EventSource it wraps (target: p99 ≤ ${TARGET_ADDED_P99_MS} ms), and by ssekit-fetch over the raw polyfill and eventsource-client (no target). "Quantile difference" subtracts the two ` +
      'distributions\' p50 and p99; "per event" takes the p50 and p99 of the differences between the same event on the two streams:\n\n' +
      table(
        [
          '',
          'quantile difference p50 / p99',
          'status',
          'per event p50 / p99',
          'status',
          'added to first event (median)',
        ],
        added,
      ),
    result.errors.length ? 'Errors:\n\n' + result.errors.map((e) => `- ${e.contender}: ${e.error}`).join('\n') : '',
  ]
    .filter(Boolean)
    .join('\n\n')
}

function memory(result) {
  const rows = Object.keys(result.contenders).map((contender) => {
    const { opened, perConnection: p } = result.contenders[contender]
    // † marks a range that reaches zero or below: at this many connections, within the measure's own noise.
    const cell = (figure) =>
      `${int(figure.median)} (${int(figure.min)} to ${int(figure.max)})${figure.min <= 0 ? ' †' : ''}`
    return [
      contender,
      opened.join(', '),
      cell(p.jsHeap),
      cell(p.page),
      cell(p.rendererUss),
      cell(p.networkUss),
      cell(p.allUss),
      cell(p.allRss),
    ]
  })
  const limits = result.limit.map((entry) => [
    entry.contender,
    `${entry.opened} of ${entry.asked}`,
    entry.firstAt.map((ms) => (ms === null ? 'never' : `${ms} ms`)).join(', '),
    entry.afterCloseMs === null ? 'none within 2 s' : `${entry.afterCloseMs} ms`,
  ])
  return [
    `${result.count} idle connections per contender over ${result.ports} ports (≤ 5 per origin), after forced GC; bytes per connection = (with − before) / ${result.count}, median of ${result.rounds} round(s). Precise heap figures: ${result.precise}.`,
    'Bytes per connection, median (min to max); process figures are summed over the processes alive at both readings; ' +
      '"control" opens nothing, so its row is the drift and noise of each measure (divided by the same count); ' +
      "† marks a range that reaches zero or below, i.e. a figure within that measure's own noise at this many connections:\n\n" +
      table(
        [
          'contender',
          'opened',
          'JS heap',
          'page memory (JS + DOM)',
          'renderer private',
          'network service private',
          'all Chromium private',
          'all Chromium RSS',
        ],
        rows,
      ),
    `Past the HTTP/1.1 limit of 6 connections per origin (host and port): ${result.limit[0] ? result.limit[0].asked : 8} streams to ONE origin, and when each delivered its first event within ${result.limit[0] ? result.limit[0].waitMs : 3000} ms:\n\n` +
      table(
        ['contender', 'delivered in time', 'first event at', 'a waiting one delivers, after one stream is closed'],
        limits,
      ),
  ].join('\n\n')
}

function companion(result) {
  const d = result.delivery
  const p = result.memory.perClient
  const loop = (l) => `${fixed(l.p50, 1)} / ${fixed(l.p99, 1)} / ${fixed(l.max, 1)}`
  return [
    `\`createServer\` from \`dist/server\` (clock every ${result.intervalMs} ms) in a child process; loopback clients held ${result.holdMs / 1000} s; ` +
      'delivery = receive time − the ISO date in the event (whole ms). Memory after a forced GC, with the clients minus before them ' +
      '(private = USS, pages of this process alone).',
    `One publish to all clients (the server's own work per event, sockets written), p50 / p99 / max ms: ${loop(result.publishMs)}. ` +
      `Event-loop delay while holding, p50 / p99 / max ms (how late a process could run anything at all): server ${loop(result.loopDelay.server)}, ` +
      `clients ${loop(result.loopDelay.clients)}.`,
    table(
      [
        'clients',
        'server saw',
        'connected in',
        'events delivered (expected ≈)',
        'delivery p50 / p99 / max ms',
        'RSS per client',
        'private per client',
        'JS heap per client',
        'closed early / errors',
      ],
      [
        [
          int(result.clients),
          int(result.serverSawClients),
          `${int(result.connectMs)} ms`,
          `${int(result.events)} (${int(result.expectedEvents)})`,
          `${fixed(d.p50, 0)} / ${fixed(d.p99, 0)} / ${fixed(d.max, 0)}`,
          `${int(p.rss)} B`,
          `${int(p.uss)} B`,
          `${int(p.heapUsed)} B`,
          `${result.closedEarly} / ${result.errors}`,
        ],
      ],
    ),
  ].join('\n\n')
}

/** The whole report. Sections that failed show their error. */
export function report(results) {
  const sections = [['Machine', machine, results.meta]]
  const add = (title, render, result) => sections.push([title, render, result])
  if (results.size)
    add(
      'Size',
      (r) =>
        sizeTable(r.rows) +
        (r.contenders ? '\n' + contenderSizeRows(r.contenders) : '') +
        '\n\nMinified bytes per source module (traced through the source maps):\n\n' +
        moduleTable(r.modules),
      results.size,
    )
  if (results.throughput) add('Throughput', throughput, results.throughput)
  if (results.latency) add('Latency at 1,000 events/s and time to first event', latency, results.latency)
  if (results.memory) add('Memory per open connection', memory, results.memory)
  if (results.companion) add('Companion server', companion, results.companion)
  return sections
    .map(
      ([title, render, result]) => `### ${title}\n\n` + (result.error ? `**failed**: ${result.error}` : render(result)),
    )
    .join('\n\n')
}
