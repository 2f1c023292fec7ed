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
