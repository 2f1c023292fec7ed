/**
 * The global object, read when called (never at module load), also where `globalThis` is missing (IE11).
 * @internal
 */
export function getGlobal(): typeof globalThis {
  return typeof globalThis === 'object' ? globalThis : (self as unknown as typeof globalThis)
}
