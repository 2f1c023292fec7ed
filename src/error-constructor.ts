import type { ErrorDetails } from './errors'

/**
 * The constructor of `SsekitError` in the ESM builds: a real `Error` subclass (stack and all), every detail given
 * (code, status, url, retryAfterMs, cause) a property of the same name. The script-tag file, lowered to ES5, has
 * the function of `error-constructor.es5.ts` instead (rollup.config.mjs).
 * @internal
 */
export const construct = class SsekitError extends Error {
  constructor(message: string, details: ErrorDetails) {
    super(message)
    this.name = 'SsekitError'
    // Never in IE 11: the script-tag file has the constructor of error-constructor.es5.ts instead.
    // eslint-disable-next-line compat/compat
    Object.assign(this, details)
  }
}
