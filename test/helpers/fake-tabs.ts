/**
 * "Tabs" for the unit tests of sharing (src/share/): each is a client over the sharing transport, with a fake
 * transport of its own that only a leader opens, on one fake origin (test/helpers/fake-share.ts) shared by the tabs of
 * a test. Timers are jest's fake ones; every wait is `advanceTimersByTimeAsync`.
 */
import { createClientWith, type TransportSource } from '../../src/client'
import { STATE } from '../../src/share/protocol'
import type { SharePlatform } from '../../src/share/platform'
import { shareTransport } from '../../src/share/relay'
import type { ClientOptions } from '../../src/types'
import { createFakePage, createSharePlatform, type FakeSharePlatform } from './fake-share'
import { createFakeTransport } from './fake-transport'
import { record } from './record'

export const URL = 'http://test/stream'
/** The group's name (lock, channel and kept id) of a plain `share: true` client of `URL`. */
export const NAME = 'ssekit/1 ' + JSON.stringify([URL, 'GET', false, 'lastEventId', 'auto'])
export const BASE: ClientOptions = { share: true, heartbeatTimeoutMs: 4000, retry: { jitter: 0, initialDelayMs: 100 } }

/** Lets every promise, lock grant and message run: a few rounds of the timer queue. */
export async function settle(ms = 5): Promise<void> {
  for (let round = 0; round < 5; round++) await jest.advanceTimersByTimeAsync(ms)
}

/** Registers fake timers and a fresh origin for each test; returns what opens tabs on it. */
export function useFakeTabs() {
  let platform: FakeSharePlatform | undefined
  beforeEach(() => {
    jest.useFakeTimers()
    platform = createSharePlatform()
  })
  afterEach(() => jest.useRealTimers())
  const origin = (): FakeSharePlatform => {
    if (!platform) throw new Error('useFakeTabs(): used outside a test')
    return platform
  }

  /** What one tab's sharing transport sees: the origin's locks, channels and storage, and this tab's page. */
  function tabPlatform(page: ReturnType<typeof createFakePage>): SharePlatform {
    const shared = origin()
    return {
      navigator: shared.navigator,
      BroadcastChannel: shared.BroadcastChannel,
      get localStorage() {
        return shared.localStorage
      },
      addEventListener: page.addEventListener,
      removeEventListener: page.removeEventListener,
    }
  }

  function openTab(options: ClientOptions = {}, types: string[] = ['date']) {
    const fake = createFakeTransport('native')
    const page = createFakePage()
    const real = fake.source.native()
    if (!real) throw new Error('no fake transport')
    const all = { ...BASE, ...options }
    const source: TransportSource = {
      native: () => undefined,
      lazy: (wanted, done) => done(shareTransport(real, createClientWith, fake.source, all, wanted, tabPlatform(page))),
    }
    const client = createClientWith(source, URL, all)
    const rec = record(client, types)
    client.connect()
    const ids = () => rec.events().map((entry) => (entry.kind === 'event' ? entry.lastEventId : ''))
    return { fake, page, client, rec, ids, role: () => client.state.role }
  }

  /** The channel of the leader now: the one that posted the latest state (followers post none). */
  function leaderChannel(): FakeSharePlatform['posted'][number]['from'] {
    const from = origin()
      .posted.filter((post) => post.message[1] === STATE)
      .pop()?.from
    if (!from) throw new Error('no leader has posted a state')
    return from
  }

  return {
    get platform() {
      return origin()
    },
    openTab,
    leaderChannel,
  }
}

export type Tab = ReturnType<ReturnType<typeof useFakeTabs>['openTab']>

/** The one tab whose fake transport has a live connection: the leader. */
export function leaderOf(tabs: Tab[]): Tab {
  const leaders = tabs.filter((tab) => tab.fake.connections.some((connection) => !connection.closed))
  expect(leaders).toHaveLength(1)
  expect(leaders[0].role()).toBe('leader')
  return leaders[0]
}

/** The connections the tabs' fake transports opened, in all. */
export const connectionsOf = (tabs: Tab[]) => tabs.reduce((sum, tab) => sum + tab.fake.connections.length, 0)
