/**
 * Option checks shared by the server's factories, so every bad value is refused at once with the same message.
 * @packageDocumentation
 */

/**
 * Returns `value` when it is a non-negative safe integer, else throws.
 *
 * @param owner - The factory, for the message (`createChannel`).
 * @param name - The option, for the message (`maxClients`).
 * @param value - The value given.
 * @returns `value`.
 * @throws RangeError naming the option and the value.
 * @internal
 */
export function nonNegativeInteger(owner: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${owner}: ${name} must be a non-negative integer, got ${String(value)}`)
  }
  return value
}
