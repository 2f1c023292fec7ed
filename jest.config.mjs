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

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/test/*.test.ts?(x)',
        '<rootDir>/test/transports/**/*.test.ts',
        '<rootDir>/test/share/**/*.test.ts',
      ],
    },
    { ...common, displayName: 'server', testMatch: ['<rootDir>/test/server/**/*.test.ts'], testEnvironment: 'node' },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'], testEnvironment: 'node' },
  ],
}
