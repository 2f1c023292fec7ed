// One transform for every test: @swc/jest compiles TypeScript (and msw's ESM-only dependencies) to CommonJS.
// Each test file picks its environment with a docblock (`@jest-environment node | jsdom | jest-fixed-jsdom`).
const transform = {
  // TSX (the React tests): the automatic runtime, so no `import React` is needed.
  '^.+\\.tsx$': [
    '@swc/jest',
    {
      jsc: {
        target: 'es2020',
        parser: { syntax: 'typescript', tsx: true },
        transform: { react: { runtime: 'automatic' } },
      },
      module: { type: 'commonjs' },
    },
  ],
  '^.+\\.(t|j|mj)sx?$': [
    '@swc/jest',
    { jsc: { target: 'es2020', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
  ],
}
const common = {
  transform,
  // msw's CommonJS build requires these ESM-only packages.
  transformIgnorePatterns: ['/node_modules/(?!(rettime|until-async|@open-draft/deferred-promise|msw)/)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
}

const unit = [
  '<rootDir>/test/*.test.ts?(x)',
  '<rootDir>/test/transports/**/*.test.ts',
  '<rootDir>/test/share/**/*.test.ts?(x)',
]
const integration = ['<rootDir>/test/integration/**/*.test.ts']
const testing = ['<rootDir>/test/testing/**/*.test.ts?(x)']
// The production build's `src/dev.ts` (rollup.config.mjs puts `DEV = false` in): the unit, integration and testing-kit
// tests run on the sources twice, as development and as production, so that nothing but the words of a message
// differs.
const production = { '^(\\.{1,2}/)+(src/)?dev$': '<rootDir>/test/helpers/production-build.ts' }

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: unit },
    { ...common, displayName: 'unit (production)', testMatch: unit, moduleNameMapper: production },
    { ...common, displayName: 'server', testMatch: ['<rootDir>/test/server/**/*.test.ts'], testEnvironment: 'node' },
    { ...common, displayName: 'integration', testMatch: integration },
    { ...common, displayName: 'integration (production)', testMatch: integration, moduleNameMapper: production },
    { ...common, displayName: 'testing', testMatch: testing },
    { ...common, displayName: 'testing (production)', testMatch: testing, moduleNameMapper: production },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'], testEnvironment: 'node' },
  ],
}
