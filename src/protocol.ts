/**
 * The two event names the companion server and the client agree on. One definition serves both sides, so they
 * cannot drift apart.
 * @packageDocumentation
 */

/**
 * The server's notice, sent before a replay that is not complete, that events were lost. Its data is JSON:
 * `{lastEventId, reason, oldestId}`. The client types it by itself (as `LostNotice`), whatever the app's event map
 * says, and also puts it in `state.lost`.
 *
 * @example
 * ```ts
 * client.on(LOST_EVENT, ({ reason, oldestId }) => reloadEverything(reason, oldestId))
 * ```
 * @public
 */
export const LOST_EVENT = 'ssekit-lost'

/**
 * The heartbeat event: empty data, no id. Unlike a comment, native EventSource shows it to the page, so the
 * client's stall watchdog counts it as activity; it is delivered to no handler.
 *
 * @example
 * ```ts
 * // A client other than ssekit's can use it to tell a live stream from a dead one:
 * source.addEventListener(PING_EVENT, () => (lastSeen = Date.now()))
 * ```
 * @public
 */
export const PING_EVENT = 'ssekit-ping'
