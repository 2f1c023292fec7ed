/**
 * Whether this is the development build. The production build (what the default and `production` export
 * conditions, and the script-tag file `ssekit.legacy.min.js`, resolve to) has `false` here, put in by the rollup
 * build, so that rollup drops every branch behind it: the "did you mean" hints and the longer messages of option
 * validation. The `development` condition resolves to the build that keeps them. Both refuse the same options.
 * @internal
 */
export const DEV: boolean = true
