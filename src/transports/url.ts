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
  const hashAt = url.indexOf('#')
  const hash = hashAt < 0 ? '' : url.slice(hashAt)
  const base = hashAt < 0 ? url : url.slice(0, hashAt)
  const queryAt = base.indexOf('?')
  const path = queryAt < 0 ? base : base.slice(0, queryAt)
  const kept =
    queryAt < 0
      ? []
      : base
          .slice(queryAt + 1)
          .split('&')
          .filter((pair) => pair && pair.split('=')[0] !== name)
  if (value !== '') kept.push(name + '=' + encodeURIComponent(value))
  return path + (kept.length ? '?' + kept.join('&') : '') + hash
}

/**
 * The origin of a stream URL (`scheme://host[:port]`), resolved against the page for relative URLs.
 * @param url - the stream URL
 * @internal
 */
export function originOf(url: string): string {
  const match = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i.exec(url)
  if (match) return match[0].toLowerCase()
  const location = (getGlobal() as { location?: { protocol: string; host: string } }).location
  return location ? location.protocol + '//' + location.host : ''
}
