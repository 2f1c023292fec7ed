/** The version of ssekit, equal to package.json's. @public */
export const version = '0.1.0'
