/**
 * The second look at a response native `EventSource` refused: loaded on the first refusal only, as a chunk of its
 * own, since a healthy stream never needs it.
 */
import type { SsekitError } from '../errors'
import { responseError } from './response-error'
import type { TransportRequest } from './types'
import { withParam } from './url'

/**
 * Asks the server once more with `fetch`, reads only the status and the headers, and hangs up (cancels the
 * body). Reports the error that answer explains, or `failed` where it cannot be read (CORS, network).
 *
 * @param request - the request native refused
 * @param failed - the error to report when the answer tells nothing
 * @param report - receives the error
 * @internal
 */
export function probe(request: TransportRequest, failed: SsekitError, report: (error: SsekitError) => void): void {
  // Only loaded where there is a global fetch (see native.ts).
  fetch(withParam(request.url, request.lastEventIdParam, request.lastEventId), {
    headers: { Accept: 'text/event-stream' },
    // Left out, credentials are 'same-origin', as native sends them without withCredentials.
    credentials: request.withCredentials ? 'include' : undefined,
    cache: 'no-store',
  }).then(
    (response) => {
      // Hang up: only the status and the headers were wanted. Cancelling the body needs no AbortController.
      if (response.body) response.body.cancel().catch(() => undefined)
      const { url } = request
      const { status, headers } = response
      // An acceptable 200 that native refused all the same: Chromium fails a stream whose charset is not UTF-8,
      // where the spec ignores MIME type parameters. Told as a wrong content type (status 200), so not retried;
      // any other acceptable answer stays `failed` (retried): the server may have recovered in between.
      const charset = /charset=(?!"?utf-?8)/i.test(headers.get('Content-Type') || '')
      report(
        responseError(url, status, response.statusText, headers) ||
          // `failed` is this classification's own, not yet reported: it is told more precisely in place. (No IE 11
          // gets here: this chunk is only loaded where there is fetch.)
          // eslint-disable-next-line compat/compat
          (charset ? Object.assign(failed, { code: 'content-type' as const, status }) : failed),
      )
    },
    () => report(failed),
  )
}
