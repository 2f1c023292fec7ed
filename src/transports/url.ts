import { getGlobal } from '../global'

/**
 * Sets one query parameter on a URL, replacing any earlier value, without the `URL` class (absent in old
 * browsers, and unable to keep relative URLs relative).
 * @param url - absolute or relative URL
 * @param name - parameter name
 * @param value - parameter value ('' removes the parameter)
 * @internal
 */
export function withParam(url: string, name: string, value: string): string {
  // Path, query and fragment: every part may be empty, so this always matches.
  const parts = /^([^?#]*)\??([^#]*)(.*)$/.exec(url) as RegExpExecArray
  const kept = parts[2].split('&').filter((pair) => pair && pair.split('=')[0] !== name)
  if (value) kept.push(name + '=' + encodeURIComponent(value))
  return parts[1] + (kept.length ? '?' + kept.join('&') : '') + parts[3]
}

/**
 * The origin of a stream URL (`scheme://host[:port]`), resolved against the page for relative URLs.
 * @param url - the stream URL
 * @internal
 */
export function originOf(url: string): string {
  const match = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i.exec(url)
  if (match) return match[0].toLowerCase()
  // `location.origin`: in every browser the script-tag file supports (IE 11 too), and in workers.
  const location = (getGlobal() as { location?: { origin: string } }).location
  return location ? location.origin : ''
}

/**
 * Resolves a stream URL once, against the page's (or worker's) location where there is one, so that every request,
 * error and `client.url` names the same absolute URL (an absolute one comes back normalised: `http://Host` is
 * `http://host/`). Left as given where there is no location (Node: `connect()`
 * then refuses a relative URL) or no `URL` class (IE 11, whose requests resolve it against the page themselves).
 * @param url - absolute or relative URL
 * @internal
 */
export function resolveUrl(url: string): string {
  const root = getGlobal() as { location?: { href: string }; URL?: typeof URL }
  return root.location && root.URL ? new root.URL(url, root.location.href).href : url
}
