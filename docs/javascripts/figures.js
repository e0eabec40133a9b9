// The live figures: drawing only. Every number comes from docsite/live/figures.py, run by the
// real package: at build time for each figure's first frame (docsite/figures.py writes it
// into the page as JSON), then in the page's one Python worker (MicrogptRuntime) once the
// reader touches a figure. Scrolling past a figure starts nothing.
//
// Imported by loader.js on pages that have a figure. Each figure asks Python through
// ask(): the newest request of a figure wins (older answers are dropped), every request has
// a time limit and a visible Stop, and figures ask at low priority, so that a block's Run
// goes first. Leaving a page stops its figures' work, training included.
import { el } from "./dom.js"
import { session as pageSession } from "./runtime.js"

const figures = (function () {

  const SVG = "http://www.w3.org/2000/svg"
  // Time limits (ms). A figure's answer takes well under a second once Python runs; the
  // first request after Python (re)starts also waits for Pyodide and the package to load.
  const settings = { timeoutMs: 15000, startMs: 120000, trainChunkSeconds: 0.3 }
  let warm = false // a request has been answered since Python last started
  let modelName = null // what the figures read, as Python last said; null: the page's own text
  let kept = null // the reader's model as the browser keeps it: {name, files}, or null

  // --- Talking to Python ---------------------------------------------------------------

  function session() {
    const s = pageSession()
    if (!s.figuresWatched && s.onRestart) {
      s.figuresWatched = true
      // a fresh worker reads the files the page keeps: the reader's model if there is one
      s.onRestart(() => { warm = false; showModel(kept ? kept.name : null) })
    }
    return s
  }

  function plain(text, flags) {
    return Object.assign(new Error(text), flags || {})
  }

  // Python's one-line messages as a sentence: a capital (unless it starts with a name from
  // the code, such as n_embd or .log()) and a full stop.
  function sentence(text) {
    const capital = /^[a-z]+[\s,:]/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text
    return /[.!?…]$/.test(capital) ? capital : capital + "."
  }

  // The runtime's failures in the figure's words: a stop, a time limit, a crash.
  function explain(error) {
    if (error.replaced && !error.stopped) return plain("Replaced by a newer request.", { replaced: true })
    if (error.stopped || error.timedOut || error.fatal) warm = false // the worker was replaced
    if (error.replaced) return plain("Replaced by a newer request.", { replaced: true })
    if (error.timedOut) {
      return plain("This took longer than " + +(error.limit / 1000).toFixed(3) +
        " seconds, so it was stopped. Try a smaller input.", { timedOut: true })
    }
    if (error.stopped) return plain("Stopped.", { stopped: true })
    const text = String(error.message || error).trim()
    if (!/Traceback|Error:/.test(text)) return plain(text)
    const lines = text.split("\n")
    return plain("The figure failed in Python (" + lines[lines.length - 1] + "). Please try again.")
  }

  // figures.call(name, arguments) in the page's worker: the value, or an Error whose message
  // is one plain sentence (error.input when it names a problem with the reader's input).
  // The arguments travel as JSON text inside a Python string: the page never writes Python.
  async function py(owner, name, args) {
    const code = "from docsite.live import figures\nfigures.call(" + JSON.stringify(name) + ", " +
      JSON.stringify(JSON.stringify(args)) + ")"
    const limit = settings.timeoutMs + (warm ? 0 : settings.startMs)
    await restored // the kept files reach the worker before its first job
    let answer
    try {
      answer = await session().call(code, { owner, replace: "queued", priority: "low", timeout: limit })
    } catch (error) {
      throw explain(Object.assign(error, { limit }))
    }
    warm = true
    if ("error" in answer) throw plain(sentence(answer.error), { input: true })
    const value = answer.value
    if (name === "model_name" || name === "use_reference") showModel(value)
    else if (value && typeof value.model === "string") showModel(value.model)
    return value
  }

  function showModel(name) {
    modelName = name
    for (const node of document.querySelectorAll("[data-model-name]")) {
      if (!node.dataset.pageText) node.dataset.pageText = node.textContent
      node.textContent = name || node.dataset.pageText
    }
    for (const figure of onPage) if (figure.onModel) figure.onModel()
  }

  // --- The reader's model, kept by the browser ------------------------------------------
  // One IndexedDB record: the model's name (the text of data-model-name) and the files Python
  // reads it from (figures.py kept_files(): path -> text). Every fresh worker gets those files
  // through keepFile before its first job, and model() reads them there, so the reader's model
  // outlives a reload, a page change and a restart of Python, until the reader asks for the
  // reference model again. IndexedDB rather than localStorage: a checkpoint with its names
  // can pass localStorage's few megabytes.

  const STORE = "kept"

  function database() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("microgpt", 1)
      request.onupgradeneeded = () => request.result.createObjectStore(STORE)
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
  }

  async function storage(mode, work) {
    const db = await database()
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(STORE, mode)
        const request = work(transaction.objectStore(STORE))
        transaction.oncomplete = () => resolve(request.result)
        transaction.onerror = transaction.onabort = () => reject(transaction.error)
      })
    } finally {
      db.close()
    }
  }

  function adopt(record) {
    kept = record
    for (const [path, text] of Object.entries(record.files)) session().keepFile(path, text)
    showModel(record.name)
  }

  // Read once per page load; a browser that keeps nothing (storage off) starts from the reference.
  const restored = storage("readonly", (store) => store.get("model"))
    .then((record) => { if (record && record.name && record.files) adopt(record) }, () => {})

  // After the model in use changed in Python: hand its files to every future worker and keep
  // them in the browser. Returns false if the browser refused to keep them (the model then
  // lasts as long as the page).
  async function keepModel(owner) {
    const files = await py(owner, "kept_files", [])
    for (const [path, text] of Object.entries(files)) session().keepFile(path, text)
    const mine = Object.fromEntries(Object.entries(files).filter(([, text]) => text !== null))
    kept = Object.keys(mine).length ? { name: modelName, files: mine } : null
    try {
      await storage("readwrite", (store) => kept ? store.put(kept, "model") : store.delete("model"))
      return true
    } catch (error) {
      return false
    }
  }

  // --- One figure: its status line, its Stop, its newest request ---------------------------

  class Figure {
    constructor(node) {
      this.node = node
      this.owner = "figure:" + node.dataset.figure
      this.statusLine = node.querySelector("[data-status]")
      this.output = node.querySelector("[data-output]")
      this.generation = 0
      this.stopButton = node.querySelector("[data-action=stop]")
      if (!this.stopButton) {
        this.stopButton = el("button", { type: "button", class: "md-button mg-figure__stop", "data-action": "stop-figure",
          text: "Stop", hidden: "" })
        this.statusLine.after(this.stopButton)
        this.stopButton.addEventListener("click", () => this.stop())
      }
      this.frame = this.output.dataset.firstFrame ? JSON.parse(this.output.dataset.firstFrame) : null
    }

    status(text, isError) {
      this.statusLine.textContent = text
      this.statusLine.classList.toggle("mg-figure__status--error", Boolean(isError))
    }

    place(child) {
      this.output.replaceChildren(child)
    }

    // Ask Python; draw(value) runs only if no newer request was made meanwhile. An error
    // clears what the figure showed for an older input and says what is wrong.
    async ask(name, args, draw, busyText) {
      const generation = ++this.generation
      this.node.dataset.state = "busy"
      this.status(warm ? busyText || "Computing…" : "Starting Python in your browser (the first time takes a few seconds)…")
      this.stopButton.hidden = false
      const start = performance.now()
      try {
        const value = await py(this.owner, name, args)
        if (generation !== this.generation) return
        this.node.dataset.updateMs = String(Math.round(performance.now() - start))
        delete this.node.dataset.error
        this.node.dataset.state = "ready"
        draw(value)
      } catch (error) {
        if (generation !== this.generation || error.replaced) return
        this.fail(error)
      } finally {
        if (generation === this.generation) this.stopButton.hidden = true
      }
    }

    fail(error) {
      this.node.dataset.state = error.stopped ? "stopped" : "error"
      this.node.dataset.error = error.message
      if (!error.stopped) this.output.replaceChildren()
      this.status(error.message, !error.stopped)
    }

    stop() {
      this.generation++
      warm = false
      this.stopButton.hidden = true
      this.node.dataset.state = "stopped"
      session().stop(this.owner)
      this.status("Stopped. Change the input to ask again.")
    }

    // The figure left behind by a page change: its answers are dropped.
    leave() {
      this.generation++
    }
  }

  // --- Small DOM helpers ------------------------------------------------------------------

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag)
    for (const key in attrs) node.setAttribute(key, attrs[key])
    if (text !== undefined) node.textContent = text
    return node
  }

  function percent(p) {
    return p >= 0.0995 ? (100 * p).toFixed(1) + "%" : p >= 0.000995 ? (100 * p).toFixed(2) + "%" : p.toExponential(1)
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b)
  }

  // A probability table: one row per token, most likely first, each with a bar. Rows carry
  // data-token and data-prob (the Python repr: full precision). onPick, if given, makes each
  // letter a button.
  function probabilityTable(tokens, caption, onPick) {
    const rows = tokens.slice().sort((x, y) => y.prob - x.prob)
    const body = rows.map((t) => {
      const label = onPick && t.token !== "BOS"
        ? el("button", { type: "button", class: "mg-token", text: t.token, "aria-label": "append " + t.token })
        : el("span", { class: "mg-token", text: t.token })
      if (onPick && t.token !== "BOS") label.addEventListener("click", () => onPick(t.token))
      const bar = el("span", { class: "mg-bar__fill" })
      bar.style.width = (100 * t.prob).toFixed(3) + "%"
      return el("tr", { "data-token": t.token, "data-prob": t.repr }, [
        el("th", { scope: "row" }, [label]),
        el("td", { class: "mg-bar" }, [bar]),
        el("td", { class: "mg-num", text: percent(t.prob), title: t.repr }),
      ])
    })
    return el("table", { class: "mg-probs" }, [
      el("caption", { text: caption }),
      el("thead", {}, [el("tr", {}, [
        el("th", { scope: "col", text: "next" }), el("th", { scope: "col", text: "probability" }),
        el("th", { scope: "col", text: "value" }),
      ])]),
      el("tbody", {}, body),
    ])
  }

  function noted(result, text) {
    return result.note ? result.note.charAt(0).toUpperCase() + result.note.slice(1) + ". " + text : text
  }

  // A figure that asks one function for its inputs: its first frame is drawn from the build's
  // answer when the inputs are still the markup's; touching it starts Python, and the figure
  // asks again only if the model in Python is not the one the frame was computed from.
  function live(figure, call, args, draw, busyText) {
    const show = (asked, value) => {
      figure.shown = { args: asked, model: value.model, value }
      draw(value)
    }
    const update = () => {
      const asked = args()
      figure.ask(call, asked, (value) => show(asked, value), busyText)
    }
    const frame = figure.frame
    if (frame && frame.value && same(frame.args, args())) {
      show(frame.args, frame.value)
      figure.node.dataset.state = "built"
      // until touched, the figure says whether the build's model is the one Python would read
      figure.onModel = () => {
        if (figure.node.dataset.state !== "built") return
        draw(frame.value)
        if (modelName && modelName !== frame.value.model) {
          figure.status("This is " + frame.value.model + ", computed when the site was built: touch the figure to ask " +
            modelName + ".")
        }
      }
      figure.onModel()
    } else {
      figure.status("Touch the figure to compute it for these inputs, in your browser.")
    }
    figure.activate = () => figure.ask("model_name", [], (name) => {
      const shown = figure.shown
      if (!shown || !same(shown.args, args()) || shown.model !== name) update()
      else draw(shown.value) // already on the page: only its status line comes back
    })
    return update
  }

  // --- Next letter --------------------------------------------------------------------------

  function nextLetter(figure) {
    const input = figure.node.querySelector("input")
    const update = live(figure, "next_letter", () => [input.value], (r) => {
      const shown = r.prefix ? "“" + r.prefix + "”" : "nothing yet"
      figure.place(probabilityTable(r.tokens, "After BOS + " + shown + ": the next token", (ch) => {
        if (input.value.length < Number(input.maxLength)) {
          input.value += ch
          input.dispatchEvent(new Event("input"))
        }
        input.focus()
      }))
      figure.node.dataset.prefix = r.prefix
      figure.status(noted(r, "BOS means the name ends here. Press a letter to append it."))
    })
    input.addEventListener("input", update)
  }

  // --- Temperature ----------------------------------------------------------------------------

  function temperature(figure) {
    const slider = figure.node.querySelector("input[type=range]")
    const shown = figure.node.querySelector("output")
    const update = live(figure, "temperature", () => [Number(slider.value)], (r) => {
      const t = r.temperature
      // r.real is null for a model loaded from a file: its checkpoint keeps only a fingerprint
      // of the names it was trained on, so which samples are real cannot be told
      const known = r.real !== null
      const names = el("ol", { class: "mg-names" }, r.samples.map((s) => el("li", known ? { "data-real": String(s.real) } : {}, [
        s.name || "(empty)", s.real ? el("span", { class: "mg-real", text: " in the training set" }) : "",
      ])))
      const summary = known
        ? el("p", { "data-real-count": String(r.real), text:
          r.real + " of " + r.samples.length + " names are in the training set (seed " + r.seed + ")." })
        : el("p", { text: "Seed " + r.seed + ". Which of these names are real cannot be told here: the " +
          "loaded checkpoint keeps only a fingerprint of the names it was trained on." })
      figure.place(el("div", { class: "mg-columns" }, [
        probabilityTable(r.first, "The first letter at temperature " + t),
        el("div", {}, [summary, names]),
      ]))
      figure.node.dataset.temperature = String(t)
      figure.status("Names drawn at temperature " + t + ".")
    }, "Sampling names…")
    slider.addEventListener("input", () => {
      shown.textContent = Number(slider.value).toFixed(1)
      update()
    })
  }

  // --- Attention ---------------------------------------------------------------------------------

  function attention(figure) {
    const input = figure.node.querySelector("input")
    const update = live(figure, "attention", () => [input.value], (r) => {
      const labels = r.labels
      const heads = []
      r.weights.forEach((layer, li) => {
        layer.forEach((rows, h) => {
          const head = r.weights.length > 1 ? "layer " + li + ", head " + h : "head " + h
          const header = el("tr", {}, [el("th", { scope: "col", text: "query \\ key" })].concat(
            labels.map((l) => el("th", { scope: "col", text: l }))))
          const body = rows.map((row, q) => {
            const cells = labels.map((key, k) => {
              if (k > q) return el("td", { class: "mg-future", "aria-label": "future: not visible" })
              const w = row[k]
              const cell = el("td", {
                "data-weight": String(w), title: labels[q] + " → " + key + ": " + w,
                text: w.toFixed(2).replace(/^0/, ""),
              })
              cell.style.setProperty("--w", w.toFixed(4))
              return cell
            })
            return el("tr", {}, [el("th", { scope: "row", text: labels[q] })].concat(cells))
          })
          heads.push(el("table", { class: "mg-heat", "data-layer": String(li), "data-head": String(h) }, [
            el("caption", { text: head }), el("thead", {}, [header]), el("tbody", {}, body),
          ]))
        })
      })
      figure.place(el("div", { class: "mg-heads" }, heads))
      figure.node.dataset.name = r.name
      figure.status(noted(r, "Each row is a position looking back; it sums to 1."))
    })
    input.addEventListener("input", update)
  }

  // --- Backward, step by step ---------------------------------------------------------------------

  function fmt(x) {
    return Number.isInteger(x) ? String(x) : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(+x.toFixed(4)) : x.toExponential(3)
  }

  function backward(figure) {
    const node = figure.node
    const expr = node.querySelector("[data-input=expression]")
    const vars = node.querySelector("[data-input=variables]")
    const prev = node.querySelector("[data-step=prev]")
    const next = node.querySelector("[data-step=next]")
    const all = node.querySelector("[data-step=all]")
    let graph = null
    let at = 0 // 0..nodes (forward: nodes shown), then nodes..nodes+steps (backward)

    function disable() {
      prev.disabled = next.disabled = all.disabled = true
    }

    function draw() {
      const n = graph.nodes.length
      const shown = Math.min(at, n)
      const done = Math.max(0, at - n)
      const grads = graph.nodes.map(() => null)
      if (done > 0) grads[graph.output] = 1
      for (let i = 0; i < done; i++) grads[graph.steps[i].child] = graph.steps[i].grad
      const step = done > 0 ? graph.steps[done - 1] : null

      // layout: column = depth (inputs at 0), rows in the order of the topological list
      const depth = graph.nodes.map(() => 0)
      graph.edges.forEach((e) => { depth[e.parent] = Math.max(depth[e.parent], depth[e.child] + 1) })
      const rows = {}
      const pos = graph.nodes.map((_, i) => {
        const row = rows[depth[i]] = (rows[depth[i]] || 0) + 1
        return { x: depth[i], y: row - 1 }
      })
      const W = 150, H = 64, BW = 120, BH = 46
      const cols = Math.max(...depth) + 1
      const height = Math.max(...Object.values(rows))
      const TOP = 28 // room for the arcs above the first row
      const picture = svg("svg", { viewBox: "0 " + (-TOP) + " " + (cols * W) + " " + (height * H + TOP), role: "img",
        "aria-label": "the computation graph; the table below lists every node", class: "mg-graph" })
      picture.style.minWidth = Math.min(cols * W, cols * 100) + "px"
      picture.style.maxWidth = cols * W + "px"
      const centre = (i) => [pos[i].x * W + BW / 2 + 10, pos[i].y * H + BH / 2 + 8]
      graph.edges.forEach((e) => {
        if (e.child >= shown || e.parent >= shown) return
        const a = centre(e.child), b = centre(e.parent)
        const active = step && step.child === e.child && step.parent === e.parent
        // an edge that skips a column arcs over the boxes between, so it never runs through one
        const x1 = a[0] + BW / 2, x2 = b[0] - BW / 2, span = pos[e.parent].x - pos[e.child].x
        const lift = span > 1 ? Math.min(a[1], b[1]) - BH / 2 - 14 - a[1] : 0
        const mx = (x1 + x2) / 2, my = (a[1] + b[1]) / 2 + lift * 2
        picture.append(svg("path", { d: "M" + x1 + " " + a[1] + " Q" + mx + " " + my + " " + x2 + " " + b[1],
          class: active ? "mg-edge mg-edge--active" : "mg-edge" }))
        picture.append(svg("text", { x: mx, y: (a[1] + b[1]) / 2 + lift - 4, class: "mg-edge-label" }, fmt(e.local)))
      })
      graph.nodes.forEach((g, i) => {
        if (i >= shown) return
        const c = centre(i)
        const active = step ? step.child === i || step.parent === i : i === shown - 1 && done === 0
        picture.append(svg("rect", { x: c[0] - BW / 2, y: c[1] - BH / 2, width: BW, height: BH, rx: 6,
          class: active ? "mg-node mg-node--active" : "mg-node" }))
        const lines = [g.label.length > 16 ? g.label.slice(0, 15) + "…" : g.label,
          "data " + fmt(g.data), grads[i] === null ? "grad ·" : "grad " + fmt(grads[i])]
        lines.forEach((text, k) => {
          picture.append(svg("text", { x: c[0], y: c[1] - 10 + 14 * k, class: k ? "mg-node-num" : "mg-node-label" }, text))
        })
      })

      const table = el("table", { class: "mg-values" }, [
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: "node" }),
          el("th", { scope: "col", text: "data" }), el("th", { scope: "col", text: "grad" })])]),
        el("tbody", {}, graph.nodes.slice(0, shown).map((g, i) => el("tr", { "data-node": g.label,
          "data-data": String(g.data), "data-grad": grads[i] === null ? "" : String(grads[i]) }, [
          el("th", { scope: "row", text: g.label }), el("td", { text: String(g.data) }),
          el("td", { text: grads[i] === null ? "not yet" : String(grads[i]) })]))),
      ])
      figure.place(el("div", {}, [el("div", { class: "mg-scroll" }, [picture]), table]))

      let say
      if (at === 0) say = "Press Next to build the graph, one node at a time."
      else if (!step) {
        const last = graph.nodes[shown - 1]
        say = "Forward " + shown + "/" + n + ": " + last.label + " = " + fmt(last.data) +
          (shown === n ? ". Next: backward() starts at the output with grad 1." : ".")
      } else {
        say = "Backward " + done + "/" + graph.steps.length + ": " + graph.nodes[step.parent].label + " hands " +
          fmt(step.local) + " × " + fmt(step.upstream) + " to " + graph.nodes[step.child].label +
          ", whose grad is now " + fmt(step.grad) + "."
      }
      figure.status(say)
      prev.disabled = at === 0
      next.disabled = all.disabled = at === n + graph.steps.length
      node.dataset.at = String(at)
    }

    function show(value) {
      graph = value
      at = 0
      draw()
    }

    function build() {
      graph = null
      disable()
      delete node.dataset.at
      figure.ask("backward_steps", [expr.value, vars.value], show)
    }

    disable()
    if (figure.frame && figure.frame.value && same(figure.frame.args, [expr.value, vars.value])) {
      show(figure.frame.value)
      node.dataset.state = "built"
    }
    // The graph does not depend on the model: touching the figure only starts Python.
    figure.activate = () => figure.ask("model_name", [], () => {
      if (graph) draw()
      else figure.status("Type an expression and its inputs, then press Build.")
    })
    prev.addEventListener("click", () => { if (graph && at > 0) { at--; draw() } })
    next.addEventListener("click", () => {
      if (graph && at < graph.nodes.length + graph.steps.length) { at++; draw() }
    })
    all.addEventListener("click", () => { if (graph) { at = graph.nodes.length + graph.steps.length; draw() } })
    node.querySelector("form").addEventListener("submit", (e) => { e.preventDefault(); build() })
  }

  // --- Train it yourself ----------------------------------------------------------------------

  // Round tick positions inside lo..hi, as near `count` of them as steps of 1, 2, 2.5 or 5
  // times a power of 10 allow.
  function ticks(lo, hi, count) {
    const power = Math.pow(10, Math.floor(Math.log10((hi - lo) / Math.max(1, count))))
    const fit = (s) => Math.abs((hi - lo) / s - count)
    const step = [1, 2, 2.5, 5, 10].map((m) => m * power).reduce((best, s) => (fit(s) < fit(best) ? s : best))
    const out = []
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(+t.toPrecision(12))
    return out
  }

  // The loss of every step (thin), its running mean from Python (thick) and a blind guess,
  // ln(vocabulary size) (dashed), on axes that fit the numbers rather than starting at 0.
  function curve(points, total, blind, width) {
    const w = Math.max(280, Math.min(768, Math.round(width))), h = 220
    const left = 40, right = 12, top = 10, bottom = 30
    const values = points.map((p) => p.loss).concat(points.map((p) => p.mean), [blind])
    let lo = Math.min(...values), hi = Math.max(...values)
    const pad = Math.max((hi - lo) * 0.08, 0.05)
    lo -= pad
    hi += pad
    const x = (step) => left + (step / total) * (w - left - right)
    const y = (v) => top + (hi - v) / (hi - lo) * (h - top - bottom)
    const last = points[points.length - 1]
    const picture = svg("svg", { viewBox: "0 0 " + w + " " + h, class: "mg-curve", role: "img",
      "aria-label": "loss curve: " + points.length + " of " + total + " steps" +
        (last ? ", last loss " + last.loss.toFixed(4) + ", running mean " + last.mean.toFixed(4) : "") +
        "; every step is listed in the log below" })
    for (const t of ticks(lo, hi, 4)) {
      picture.append(svg("line", { x1: left, x2: w - right, y1: y(t), y2: y(t), class: "mg-grid" }))
      picture.append(svg("text", { x: left - 6, y: y(t) + 4, class: "mg-tick mg-tick--y" }, String(t)))
    }
    for (const t of ticks(0, total, w < 420 ? 3 : 5)) {
      picture.append(svg("line", { x1: x(t), x2: x(t), y1: h - bottom, y2: h - bottom + 4, class: "mg-axis" }))
      picture.append(svg("text", { x: x(t), y: h - bottom + 17, class: "mg-tick mg-tick--x" }, String(t)))
    }
    picture.append(svg("line", { x1: left, x2: w - right, y1: h - bottom, y2: h - bottom, class: "mg-axis" }))
    picture.append(svg("line", { x1: left, x2: left, y1: top, y2: h - bottom, class: "mg-axis" }))
    picture.append(svg("line", { x1: left, x2: w - right, y1: y(blind), y2: y(blind), class: "mg-guess" }))
    const line = (key) => points.map((p) => x(p.step).toFixed(1) + "," + y(p[key]).toFixed(1)).join(" ")
    picture.append(svg("polyline", { points: line("loss"), class: "mg-line" }))
    picture.append(svg("polyline", { points: line("mean"), class: "mg-mean" }))
    return picture
  }

  // A file the reader picked, as text for Python: only its first `most` bytes are read, so that a
  // file far too large costs nothing (one byte past the limit lets Python say it is too large).
  // Bytes that are not UTF-8 arrive as lone surrogates (as Python's surrogateescape makes them),
  // so that Python refuses the file as the command line would, instead of reading a repaired copy.
  async function readStart(file, most) {
    const bytes = new Uint8Array(await file.slice(0, most).arrayBuffer())
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
    } catch (error) {
      let text = ""
      for (let i = 0; i < bytes.length; i += 8192) {
        text += String.fromCharCode(...Array.from(bytes.subarray(i, i + 8192), (b) => (b < 0x80 ? b : 0xdc00 + b)))
      }
      return text
    }
  }

  // Save text as a file through the browser's own download.
  function download(text, filename, type) {
    const url = URL.createObjectURL(new Blob([text], { type }))
    const link = el("a", { href: url, download: filename, hidden: "" })
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 60_000)
  }

  function count(n) {
    return n.toLocaleString("en-US")
  }

  function train(figure) {
    const node = figure.node
    const form = node.querySelector("form")
    const stop = node.querySelector("[data-action=stop]")
    const reference = node.querySelector("[data-action=reference]")
    const start = form.querySelector("button[type=submit]")
    const names = node.querySelector("[data-input=names]")
    const namesFile = node.querySelector("[data-input=names-file]")
    const namesSaid = node.querySelector("[data-names-check]")
    const downloadModel = node.querySelector("[data-action=download-model]")
    const downloadNames = node.querySelector("[data-action=download-names]")
    const load = node.querySelector("[data-action=load-model]")
    // separate owners, so that a names check or a download never replaces a training's next chunk
    const owners = { names: figure.owner + ":names", model: figure.owner + ":model" }
    figure.owners = [figure.owner, owners.names, owners.model]
    let stopping = false
    let training = false
    let limits = null

    async function trainingLimits() {
      limits = limits || await py(owners.model, "training_limits", [])
      return limits
    }

    // The buttons that act on the model: only when nothing trains, the reader's ones only
    // when the model in use is the reader's.
    function buttons(busy) {
      const yours = kept !== null
      reference.hidden = !yours
      downloadModel.disabled = downloadNames.disabled = busy || !yours
      load.disabled = reference.disabled = busy
    }
    figure.onModel = () => buttons(training)

    // The samples a terminal reproduces: from the model in use, with the command that prints them.
    async function showSamples(samplesTitle, samples) {
      const drawn = await py(owners.model, "samples", [5, 0.5, Number(form.elements.seed.value) || 0])
      samplesTitle.replaceChildren("Names from this model; in a terminal, ", el("code", { text: drawn.command }),
        " prints the same:")
      samples.replaceChildren(...drawn.names.map((n) => el("li", { text: n || "(empty)" })))
    }

    async function run() {
      const generation = ++figure.generation
      const current = () => generation === figure.generation
      const field = (name) => form.elements[name].value
      stopping = false
      training = true
      buttons(true)
      start.disabled = true
      stop.disabled = false
      delete node.dataset.trained
      node.dataset.state = "busy"
      const log = el("pre", { class: "mg-log", "data-train-log": "", tabindex: "0" })
      const samples = el("ol", { class: "mg-names", "aria-label": "samples", "data-samples": "" })
      const samplesTitle = el("p", { text: "" })
      const legend = el("p", { class: "mg-curve__legend" })
      const chart = el("div", { class: "mg-curve__box" })
      figure.place(el("div", {}, [legend, chart, samplesTitle, samples, log]))
      const points = []
      try {
        figure.status(warm ? "Setting up…" : "Starting Python in your browser (the first time takes a few seconds)…")
        const theirs = names.value === "" ? null : names.value // empty: the bundled names
        const info = await py(figure.owner, "train_start", [field("steps"), field("n_embd"), field("lr"), field("seed"), theirs])
        if (!current()) return
        legend.textContent = "Loss at each step (thin line), its mean over the last " + info.window +
          " steps (thick line), and a blind guess, ln " + info.vocab_size + " = " + info.blind.toFixed(2) +
          " (dashed). Steps along the bottom."
        log.textContent = "num docs: " + info.num_docs + "\nvocab size: " + info.vocab_size +
          "\nnum params: " + info.num_params + "\n"
        let finished = false
        let step = 0
        while (!finished && !stopping) {
          const chunk = await py(figure.owner, "train_chunk", [info.steps, info.run, settings.trainChunkSeconds])
          if (!current()) return
          for (const s of chunk.losses) { points.push(s); log.textContent += s.line + "\n" }
          finished = chunk.finished
          chart.replaceChildren(curve(points, info.steps, info.blind, chart.clientWidth || 600))
          figure.status((stopping ? "Stopping… " : "") + "Step " + chunk.step + " of " + info.steps +
            ", loss " + points[points.length - 1].loss.toFixed(4))
          if (Math.floor(chunk.step / 50) > Math.floor(step / 50) && !finished && !stopping) {
            const drawn = await py(figure.owner, "train_samples", [5, 0.5, info.run])
            if (!current()) return
            samplesTitle.textContent = "Names sampled at step " + chunk.step + " (temperature 0.5):"
            samples.replaceChildren(...drawn.map((n) => el("li", { text: n || "(empty)" })))
          }
          step = chunk.step
        }
        if (!points.length) {
          node.dataset.state = "stopped"
          figure.status("Stopped before the first step: nothing was trained, nothing kept.")
          return
        }
        const trained = await py(figure.owner, "train_keep", [info.run])
        if (!current()) return
        const saved = await keepModel(figure.owner)
        if (!current()) return
        await showSamples(samplesTitle, samples)
        if (!current()) return
        node.dataset.trained = String(trained.steps)
        node.dataset.state = "ready"
        figure.status((stopping ? "Stopped at step " : "Done: ") + trained.steps + " of " + info.steps +
          " steps trained. The other live figures now read " + trained.model + "." + keptWords(saved))
      } catch (error) {
        if (current() && !error.replaced) figure.fail(error.stopped ? plain("Stopped; nothing was kept.", { stopped: true }) : error)
      } finally {
        if (current()) {
          training = false
          buttons(false)
          start.disabled = false
          stop.disabled = true
        }
      }
    }

    function keptWords(saved) {
      return saved ? " Your browser keeps it, across reloads, until you choose the reference model again."
        : " Your browser would not keep it, so it lasts until this tab reloads."
    }

    // One action on the model (load, download, back to the reference): its words in the status
    // line; a refusal is said there too, and the model in use and what the figure shows stay.
    async function act(work) {
      buttons(true)
      node.dataset.action = "busy"
      try {
        figure.status(await work())
        node.dataset.action = "done"
      } catch (error) {
        if (error.replaced) return
        node.dataset.action = "error"
        figure.status(error.message, true)
      } finally {
        buttons(training)
      }
    }

    // Your names: checked as the command line checks a names file, as the reader types or picks one.
    let checking = 0
    async function checkNames(text) {
      if (text === "") {
        delete namesSaid.dataset.state
        namesSaid.textContent = "Empty: Train uses the bundled names."
        return true
      }
      const asked = ++checking
      try {
        const found = await py(owners.names, "check_names", [text])
        if (asked !== checking) return false
        namesSaid.dataset.state = "ok"
        namesSaid.classList.remove("mg-figure__status--error")
        namesSaid.textContent = count(found.num_docs) + " names, " + count(found.vocab_size) + " tokens (" +
          count(found.vocab_size - 1) + " characters and BOS), " + count(found.bytes) + " bytes."
        return true
      } catch (error) {
        if (asked !== checking || error.replaced) return false
        namesSaid.dataset.state = "error"
        namesSaid.classList.add("mg-figure__status--error")
        namesSaid.textContent = error.message
        return false
      }
    }

    let typing = 0
    names.addEventListener("input", () => {
      clearTimeout(typing)
      typing = setTimeout(() => checkNames(names.value), 300)
    })
    namesFile.addEventListener("change", async () => {
      const file = namesFile.files[0]
      namesFile.value = "" // the same file can be picked again
      if (!file) return
      try {
        const text = await readStart(file, (await trainingLimits()).max_names_bytes + 1)
        // a file that fails the checks leaves what the box held as it was
        if (await checkNames(text)) names.value = text
      } catch (error) {
        if (!error.replaced) {
          namesSaid.dataset.state = "error"
          namesSaid.textContent = error.message
        }
      }
    })

    form.addEventListener("submit", (e) => { e.preventDefault(); if (!start.disabled) run() })
    stop.addEventListener("click", () => { stopping = true; figure.status("Stopping after this chunk of steps…") })
    reference.addEventListener("click", () => act(async () => {
      const name = await py(owners.model, "use_reference", [])
      const saved = await keepModel(owners.model)
      return "The figures read " + name + " again." + (saved ? "" : " Your browser would not forget yours, so a reload may bring it back.")
    }))
    downloadModel.addEventListener("click", () => act(async () => {
      const exported = await py(owners.model, "export_model", [])
      download(exported.checkpoint, exported.filename, "application/json")
      return "Saved " + exported.filename + ", a checkpoint as microgpt train --out writes it: microgpt sample --checkpoint " +
        exported.filename + " reads it."
    }))
    downloadNames.addEventListener("click", () => act(async () => {
      const exported = await py(owners.model, "export_model", [])
      if (exported.names === null) {
        throw plain("There is no names file to save: this model was trained on the bundled names, or loaded from a file.")
      }
      download(exported.names, exported.names_filename, "text/plain")
      return "Saved " + exported.names_filename + ", the names this model was trained on: " + exported.resume +
        " goes on training it."
    }))
    load.addEventListener("change", () => {
      const file = load.files[0]
      load.value = "" // the same file can be picked again
      if (!file) return
      act(async () => {
        const text = await readStart(file, (await trainingLimits()).max_checkpoint_bytes + 1)
        const loaded = await py(owners.model, "load_model", [text, file.name])
        const saved = await keepModel(owners.model)
        const samplesTitle = el("p"), samples = el("ol", { class: "mg-names", "aria-label": "samples", "data-samples": "" })
        figure.place(el("div", {}, [samplesTitle, samples]))
        await showSamples(samplesTitle, samples)
        return "Loaded " + file.name + ". The live figures now read " + loaded.model + "." + keptWords(saved)
      })
    })
    figure.activate = () => {}
    buttons(false) // the status line keeps the page's own words, limits included, until Train
  }

  // --- Each page's figures: drawn at once, started when touched, stopped when left -----------

  const FIGURES = { "next-letter": nextLetter, temperature, attention, backward, train }
  let onPage = []

  function init() {
    leave()
    for (const node of document.querySelectorAll("[data-figure]")) {
      const setup = FIGURES[node.dataset.figure]
      if (!setup || node.dataset.ready) continue
      node.dataset.ready = "true"
      const figure = new Figure(node)
      onPage.push(figure)
      setup(figure)
      const touched = () => {
        if (node.dataset.active) return
        node.dataset.active = "true"
        figure.activate()
      }
      for (const type of ["pointerdown", "keydown", "focusin", "input"]) node.addEventListener(type, touched)
    }
    if (modelName) showModel(modelName)
  }

  // The page is being left (Material's instant navigation keeps this script and its Python):
  // the figures' work ends, a training loop included.
  function leave() {
    for (const figure of onPage) {
      figure.leave()
      for (const owner of figure.owners || [figure.owner]) session().stop(owner)
    }
    onPage = []
  }

  return { init, leave, settings, ticks }
})()

export const { init, leave } = figures
window.MicrogptFigures = figures // the tests' handle: settings holds the time limits
