import type { ErrorDetails, SsekitError } from './errors'

type Writable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * The constructor of `SsekitError` in the script-tag file, which is lowered to ES5 (rollup.config.mjs puts this
 * module in place of `error-constructor.ts` there): `class … extends Error` would need a kilobyte of helpers to
 * extend a built-in. It builds the error as a real `Error` (stack and all) and gives it this type's prototype, or
 * a subclass's when constructed through one.
 * @internal
 */
// Named, inside the expression only, for what consoles print before the message, `error.constructor.name` and
// stack traces ("at new SsekitError"); the script-tag file keeps the name through minification.
export const construct = function SsekitError(this: unknown, message: string, details: ErrorDetails): SsekitError {
  const error = new Error(message) as Writable<SsekitError>
  Object.setPrototypeOf(error, this instanceof SsekitError ? Object.getPrototypeOf(this) : SsekitError.prototype)
  error.name = 'SsekitError'
  // Every detail given (code, status, url, retryAfterMs, cause) becomes a property of the same name.
  for (const key in details) (error as unknown as Record<string, unknown>)[key] = details[key as keyof ErrorDetails]
  return error
}
construct.prototype = Object.create(Error.prototype)
construct.prototype.constructor = construct
