// The ssekit demo dashboard: two widgets, each with its own client, shared between the tabs of this origin
// (`share: true`): one tab streams each widget and relays it to the others. A plain ES module, no build step.
// Served by the demo server, which also serves the built package under /dist/.
import { bindButton, bindStatus, createClient, version } from '/dist/index.js'

const LOG_SIZE = 10
// Ids remembered per widget to spot duplicates; old ones are forgotten so a long-open page stays small.
const MAX_SEEN_IDS = 5000

const statusClassNames = {
  idle: 'is-idle',
  connecting: 'is-connecting',
  open: 'is-open',
  reconnecting: 'is-reconnecting',
  closed: 'is-closed',
}

// `state.role` of a shared client; absent while it is not connected, and where the browser cannot share.
const roleTexts = {
  leader: 'This tab streams it for all your tabs',
  follower: 'Shared: another tab streams it',
}

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`)

/**
 * Wires one widget (its elements are `${name}-button`, `${name}-status`, …) to a client.
 * `format(data, meta)` turns an event of type `eventType` into the text shown as value and in the log.
 */
function setUpWidget(name, client, eventType, format) {
  const part = (suffix) => byTestId(`${name}-${suffix}`)
  const value = part('value')
  const log = part('log')
  const lost = part('lost')
  const receivedCount = part('received')
  const duplicateCount = part('duplicates')
  const seenIds = new Set()
  let received = 0
  let duplicates = 0

  bindButton(client, part('button'))
  bindStatus(client, part('status'), { classNames: statusClassNames })
  const role = part('role')
  client.subscribe((state) => {
    role.textContent = roleTexts[state.role] || (state.status === 'open' ? 'Own connection (no sharing here)' : '')
  })

  client.on(eventType, (data, meta) => {
    const id = meta.lastEventId
    const isDuplicate = id !== '' && seenIds.has(id)
    if (!isDuplicate && id !== '') {
      seenIds.add(id)
      if (seenIds.size > MAX_SEEN_IDS) seenIds.delete(seenIds.values().next().value)
    }
    received += 1
    if (isDuplicate) duplicates += 1
    const text = format(data)

    const idLabel = document.createElement('small')
    idLabel.className = 'value-id'
    idLabel.textContent = ` (id ${id || '–'})`
    value.replaceChildren(text, idLabel)
    receivedCount.textContent = String(received)
    duplicateCount.textContent = String(duplicates)
    log.prepend(logEntry(id, text, isDuplicate))
    while (log.children.length > LOG_SIZE) log.lastElementChild.remove()
  })

  // The server sends `ssekit-lost` when it could not replay every event since our last id.
  client.on('ssekit-lost', (data) => {
    const oldest = data.oldestId ? `; the oldest it still holds is ${data.oldestId}` : ''
    lost.textContent =
      `Missed events: the server could not replay everything after id ${data.lastEventId}` +
      ` (${data.reason}${oldest}).`
    lost.hidden = false
  })
}

/** One log line: `#id value`, marked when the id was seen before. */
function logEntry(id, text, isDuplicate) {
  const item = document.createElement('li')
  const idLabel = document.createElement('span')
  idLabel.className = 'log-id'
  idLabel.textContent = `#${id || '–'}`
  const valueLabel = document.createElement('span')
  valueLabel.className = 'log-value'
  valueLabel.textContent = text
  item.append(idLabel, ' ', valueLabel)
  if (isDuplicate) {
    item.className = 'is-duplicate'
    const tag = document.createElement('span')
    tag.className = 'log-tag'
    tag.textContent = 'duplicate'
    item.append(' ', tag)
  }
  return item
}

const clients = {
  date: createClient('/stream/date', { decode: 'json', share: true }),
  tick: createClient('/stream/tick', { decode: 'json', share: true }),
}

// `date` data is an ISO date string; `tick` data is `{n, at}`.
setUpWidget('date', clients.date, 'date', (iso) => new Date(iso).toLocaleTimeString())
setUpWidget('tick', clients.tick, 'tick', (tick) => String(tick.n))

byTestId('version').textContent = version
const showTransport = () => {
  const kinds = new Set(
    Object.values(clients)
      .map((client) => client.state.transport)
      .filter(Boolean),
  )
  byTestId('transport').textContent = kinds.size > 0 ? [...kinds].join(', ') : 'not chosen yet'
}
for (const client of Object.values(clients)) client.subscribe(showTransport)

// For browser tests and the console.
window.ssekitDemo = clients

// The user connects by hand, unless the page is opened with ?autoconnect=1.
if (new URLSearchParams(location.search).get('autoconnect') === '1') {
  for (const client of Object.values(clients)) client.connect()
}
