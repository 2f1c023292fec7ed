// A realm of its own for one contender (`realm.html?contender=…`, in an iframe of the bench page): its own copy of
// ssekit's modules and of the page code, so the JIT's type feedback holds only what this contender's runs saw,
// as in an app that uses one SSE client. The timed loop runs here; the bench page only says when.
import { CONTENDERS } from './contenders.js'
import { timedRun } from './timed-run.js'

const contender = new URLSearchParams(location.search).get('contender')
const open = CONTENDERS[contender]

/** What the bench page calls: one timed run of this realm's contender. */
globalThis.benchRealm = {
  contender,
  run: (scenario, expected, timeoutMs) => timedRun(open, scenario, expected, timeoutMs),
}
if (!open) throw new Error('unknown contender ' + contender)
