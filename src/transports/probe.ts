/**
 * The second look at a response native `EventSource` refused: loaded on the first refusal only, as a chunk of its
 * own, since a healthy stream never needs it.
 */
import type { SsekitError } from '../errors'
import { getGlobal } from '../global'
import { responseError } from './response-error'
import type { TransportRequest } from './types'
import { withParam } from './url'

/**
 * Asks the server once more with `fetch`, reads only the status and the headers, and hangs up. Reports the error
 * that answer explains, or `failed` where it cannot be read (no fetch, CORS, network).
 *
 * @param request - the request native refused
 * @param failed - the error to report when the answer tells nothing
 * @param report - receives the error
 * @internal
 */
export function probe(request: TransportRequest, failed: SsekitError, report: (error: SsekitError) => void): void {
  const root = getGlobal() as { fetch?: typeof fetch; AbortController?: typeof AbortController }
  if (!root.fetch || !root.AbortController) return report(failed)
  const controller = new root.AbortController()
  root
    .fetch(withParam(request.url, request.lastEventIdParam, request.lastEventId), {
      headers: { Accept: 'text/event-stream' },
      credentials: request.withCredentials ? 'include' : 'same-origin',
      cache: 'no-store',
      signal: controller.signal,
    })
    .then(
      (response) => {
        controller.abort()
        report(responseError(request.url, response.status, response.statusText, response.headers) || failed)
      },
      () => report(failed),
    )
}
