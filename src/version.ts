/**
 * The version of ssekit, equal to package.json's (also `SseKit.version` in the script-tag build).
 *
 * @example
 * ```ts
 * import { version } from 'ssekit'
 * console.log(`ssekit ${version}`) // ssekit 0.1.0
 * ```
 * @public
 */
export const version = '0.1.0'
