// The real package, run in the page by Pyodide in a Web Worker.
//
// An ES module the components import (loader.js); small: nothing is fetched until the session
// is first used (the runtime, about 13 MB, is then fetched once and cached by the browser). A
// page has ONE session and at most one worker, shared by its blocks, exercises, figures and
// stepper:
//
//   import { session } from "./runtime.js"
//   const python = session()          // the same object on every call
//   await python.run(code, options)   // -> {ok, traceback, stopped, timedOut, replaced, fatal, loadFailed}
//   await python.call(code, options)  // the last expression's value (json.dumps); throws on error
//   python.stop(owner)                // stop that owner's jobs; stop() stops them all
//   python.keepFile(path, data)       // a file every fresh worker gets before its first job
//   python.onRestart(fn)              // fn() after a worker was replaced
//
// Options: owner (who asked: "block", "exercise", "figure:train"...), replace (true: the
// owner's older jobs are stale, queued or running; "queued": only the queued ones),
// priority ("high" or "low": a high job goes first and stops a low one that holds it up
// longer than PREEMPT_MS), timeout (ms, from the job's start), trusted (false for code the
// reader typed: the worker then looks for what it changed, and a job after a change gets a
// fresh worker), before (run()'s blocks to run first, quietly, in the same namespace:
// failedAt says which one raised), namespace, reset, quiet, onStdout(text, dropped), onStderr.
//
// The session keeps the queue here and gives the worker one job at a time, so that a stale
// job can be dropped before it starts. Python cannot be interrupted in place (that needs a
// SharedArrayBuffer, which needs cross-origin isolation headers that static hosts such as
// GitHub Pages do not send), so stopping a running job terminates the worker; the next job
// starts a fresh one.
//
// Tests and benchmarks reach the session through window.MicrogptRuntime: {session(),
// workersStarted} (the number of Python workers this page has started).

const workerURL = new URL("./runtime-worker.js", import.meta.url)
const PREEMPT_MS = 1000
const GONE = "Python was restarted: everything it held is gone."

class Session {
  constructor() {
    this.worker = null
    this.queue = [] // jobs not yet sent, high priority first
    this.current = null // the job the worker is running
    this.nextId = 1
    this.dirty = false // the last job changed the interpreter: the next one gets a fresh worker
    this.kept = new Map() // path -> data, written into every fresh worker
    this.restartHandlers = []
    this.started = 0
  }

  get busy() {
    return this.current !== null || this.queue.length > 0
  }

  submit(message, options, handlers) {
    const owner = options.owner || ""
    if (options.replace) {
      this.drop((job) => job.owner === owner, { ok: false, replaced: true, stopped: true, traceback: "Replaced by a newer request." })
      if (options.replace === true && this.current && this.current.owner === owner) {
        this.kill({ ok: false, replaced: true, stopped: true, traceback: "Replaced by a newer request." })
      }
    }
    return new Promise((resolve) => {
      const job = {
        id: this.nextId++, owner, resolve, handlers, timeout: options.timeout,
        priority: options.priority === "low" ? "low" : "high",
        message: { ...message, trusted: options.trusted !== false },
      }
      if (job.priority === "high") {
        const firstLow = this.queue.findIndex((other) => other.priority === "low")
        this.queue.splice(firstLow < 0 ? this.queue.length : firstLow, 0, job)
      } else {
        this.queue.push(job)
      }
      this.pump()
    })
  }

  // Send the next job if the worker is free; a high job held up by a low one stops it soon.
  pump() {
    if (this.current) {
      const held = this.queue.length && this.queue[0].priority === "high" && this.current.priority === "low"
      if (held && !this.current.preempt) {
        const low = this.current
        low.preempt = setTimeout(() => {
          if (this.current === low) this.kill({ ok: false, stopped: true, preempted: true, traceback: "Stopped to let a block run first." })
        }, PREEMPT_MS)
      }
      return
    }
    const job = this.queue.shift()
    if (!job) return
    if (this.dirty || this.heavy) this.replaceWorker()
    this.ensureWorker()
    this.current = job
    if (job.timeout) {
      job.timer = setTimeout(() => {
        if (this.current === job) {
          this.kill({ ok: false, timedOut: true, traceback: `It took longer than ${Math.round(job.timeout / 1000)} s, so it was stopped.` })
        }
      }, job.timeout)
    }
    this.worker.postMessage({ id: job.id, ...job.message })
  }

  ensureWorker() {
    if (this.worker) return
    const worker = new Worker(workerURL, { type: "module" })
    this.worker = worker
    this.started += 1
    window.MicrogptRuntime.workersStarted = this.started
    this.dirty = this.heavy = false
    worker.onmessage = (event) => { if (this.worker === worker) this.receive(event.data) }
    // An error the worker did not catch (it fails to load, or dies): answer the job and
    // start a fresh worker next time, never leave a caller waiting.
    worker.onerror = (event) => {
      event.preventDefault()
      if (this.worker !== worker) return
      const loading = !this.ready
      this.kill({
        ok: false, fatal: true, loadFailed: loading,
        traceback: loading ? "Python could not be loaded in your browser: its worker failed to load." : "The Python runtime crashed. " + GONE,
      })
    }
    worker.onmessageerror = () => this.kill({ ok: false, fatal: true, traceback: "The Python runtime sent a message the page could not read. " + GONE })
    this.ready = false
    for (const [path, data] of this.kept) worker.postMessage({ type: "file", path, data })
    if (this.started > 1) for (const handler of this.restartHandlers) setTimeout(handler, 0)
  }

  replaceWorker() {
    if (this.worker) this.worker.terminate()
    this.worker = null
  }

  receive(message) {
    if (message.type === "started") {
      this.ready = true
      return
    }
    const job = this.current
    if (!job || message.id !== job.id) return
    if (message.type === "stream") {
      const handler = job.handlers.onStdout
      if (handler) handler(message.text, message.dropped || 0)
      return
    }
    if (message.changed && message.changed.length) this.dirty = true
    if (message.heavy) this.heavy = true
    if (message.fatal) this.replaceWorker()
    this.finish(job, message)
    // A worker holding a lot of memory is replaced now rather than at the next job.
    if (this.heavy && !this.busy) this.replaceWorker()
  }

  finish(job, result) {
    clearTimeout(job.timer)
    clearTimeout(job.preempt)
    if (this.current === job) this.current = null
    job.resolve(result)
    this.pump()
  }

  // Ends the running job with `result` by terminating the worker; queued jobs go on in a fresh one.
  kill(result) {
    this.replaceWorker()
    if (this.current) this.finish(this.current, result)
  }

  drop(which, result) {
    const dropped = this.queue.filter(which)
    this.queue = this.queue.filter((job) => !which(job))
    for (const job of dropped) job.resolve(result)
  }

  async run(code, options = {}) {
    const { onStdout, onStderr, namespace, reset, quiet, before } = options
    const done = await this.submit({ code, before, namespace, reset, quiet }, options, { onStdout: onStdout || onStderr })
    return {
      ok: !!done.ok, traceback: done.traceback || "", stopped: !!done.stopped, timedOut: !!done.timedOut,
      replaced: !!done.replaced, fatal: !!done.fatal, loadFailed: !!done.loadFailed,
      changed: done.changed || [], tampered: !!done.tampered,
      failedAt: done.failedAt === undefined ? -1 : done.failedAt,
    }
  }

  async call(code, options = {}) {
    const done = await this.submit({ code, namespace: options.namespace, call: true, quiet: true }, options, {})
    if (done.ok && options.trusted === false && done.tampered) {
      const error = new Error("The code changed " + done.changed.join(", ") + ", so its answer cannot be trusted.")
      error.tampered = true
      error.changed = done.changed
      throw error
    }
    if (!done.ok) {
      const error = new Error(done.traceback)
      for (const flag of ["stopped", "timedOut", "replaced", "fatal", "loadFailed", "preempted"]) error[flag] = !!done[flag]
      throw error
    }
    return JSON.parse(done.value)
  }

  stop(owner) {
    const stopped = { ok: false, stopped: true, traceback: "Stopped. " + GONE }
    const mine = (job) => owner === undefined || job.owner === owner
    this.drop(mine, { ok: false, stopped: true, traceback: "Stopped before it started." })
    if (this.current && mine(this.current)) this.kill(stopped)
  }

  keepFile(path, data) {
    if (data === null) this.kept.delete(path)
    else this.kept.set(path, data)
    if (this.worker) this.worker.postMessage({ type: "file", path, data })
  }

  onRestart(handler) {
    this.restartHandlers.push(handler)
  }
}

let only = null

/** The page's one Python session (made at the first call; no worker until its first job). */
export function session() {
  only = only || new Session()
  return only
}

window.MicrogptRuntime = { session, workersStarted: 0 }
