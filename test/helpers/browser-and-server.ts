/**
 * The two things every browser test file starts: headless Chromium and a real ssekit server on port 0. Started
 * together; when either fails (no Chromium, say), the other is shut down before the error is thrown, so the
 * test file fails at once instead of keeping jest alive on an open server.
 */
import { launchBrowser, type LaunchOptions, type TestBrowser } from './browser'
import { startTestServer, type TestServer } from './test-server'

/** Chromium and a server started with `startTestServer(...serverArgs)`, both or neither. */
export async function startBrowserAndServer(
  ...serverArgs: Parameters<typeof startTestServer>
): Promise<[TestBrowser, TestServer]> {
  return startBrowserWithServer({}, ...serverArgs)
}

/** The same, with Chromium launched with `launch`. */
export async function startBrowserWithServer(
  launch: LaunchOptions,
  ...serverArgs: Parameters<typeof startTestServer>
): Promise<[TestBrowser, TestServer]> {
  const [browser, server] = await Promise.allSettled([launchBrowser(launch), startTestServer(...serverArgs)])
  if (browser.status === 'fulfilled' && server.status === 'fulfilled') return [browser.value, server.value]
  if (browser.status === 'fulfilled') await browser.value.close()
  if (server.status === 'fulfilled') await server.value.dispose()
  throw browser.status === 'rejected' ? browser.reason : (server as PromiseRejectedResult).reason
}
