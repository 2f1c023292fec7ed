/** `src/dev.ts` as the production build has it (rollup.config.mjs): the tests of the `production` projects run on it. */
export const DEV: boolean = false
