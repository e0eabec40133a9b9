// MicrogptRuntime: the real package, run in the page by Pyodide in a Web Worker.
//
// Loaded on every page and tiny: nothing is fetched until a session is first
// used (the runtime, about 13 MB, is then fetched once and cached by the browser).
//
//   const session = MicrogptRuntime.session()
//   await session.run(code, { onStdout, onStderr })  // -> { ok, traceback }
//   await session.call(code)  // the last expression's value, through json.dumps; throws on error
//   session.stop()            // ends the worker at once; the next call starts a fresh one
//
// Options of run(): namespace (a name: code run under one name shares its globals;
// "main" by default), reset (start that namespace afresh), quiet (print nothing).
// Stop terminates the worker: interrupting Python in place would need a
// SharedArrayBuffer, which needs cross-origin isolation headers that static hosts
// such as GitHub Pages do not send.
(function () {
  const workerURL = new URL("runtime-worker.js", document.currentScript.src).href

  class Session {
    constructor() {
      this.worker = null
      this.jobs = new Map() // id -> {resolve, onStdout, onStderr}
      this.nextId = 1
    }

    get busy() {
      return this.jobs.size > 0
    }

    send(message, handlers) {
      if (!this.worker) {
        this.worker = new Worker(workerURL, { type: "module" })
        this.worker.onmessage = (event) => this.receive(event.data)
        // An error the worker did not catch (it fails to load, or dies): answer every
        // waiting job and start a fresh worker next time, never leave a caller waiting.
        this.worker.onerror = (event) => {
          event.preventDefault()
          this.restart("The Python runtime stopped: " + (event.message || "its worker failed to load or crashed"))
        }
        this.worker.onmessageerror = () => this.restart("The Python runtime sent a message the page could not read.")
      }
      const id = this.nextId++
      return new Promise((resolve) => {
        this.jobs.set(id, { resolve, ...handlers })
        this.worker.postMessage({ id, ...message })
      })
    }

    receive(message) {
      const job = this.jobs.get(message.id)
      if (!job) return
      if (message.type === "stream") {
        const handler = message.kind === "stderr" ? job.onStderr || job.onStdout : job.onStdout
        if (handler) handler(message.text)
      } else {
        this.jobs.delete(message.id)
        job.resolve(message)
        if (message.fatal) this.restart(message.traceback)
      }
    }

    restart(traceback, stopped = false) {
      if (this.worker) this.worker.terminate()
      this.worker = null
      this.finishAll({ ok: false, traceback, stopped })
    }

    finishAll(result) {
      for (const job of this.jobs.values()) job.resolve(result)
      this.jobs.clear()
    }

    async run(code, options = {}) {
      const { onStdout, onStderr, namespace, reset, quiet } = options
      const done = await this.send({ code, namespace, reset, quiet }, { onStdout, onStderr })
      return { ok: done.ok, traceback: done.traceback, stopped: !!done.stopped }
    }

    async call(code, options = {}) {
      const done = await this.send({ code, namespace: options.namespace, call: true }, {})
      if (!done.ok) throw new Error(done.traceback)
      return JSON.parse(done.value)
    }

    stop() {
      this.restart("Stopped. The Python runtime was restarted: everything it held is gone.", true)
    }
  }

  window.MicrogptRuntime = { session: () => new Session() }
})()
