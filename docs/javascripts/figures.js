// The live figures: drawing only. Every number comes from docs/live/figures.py, run by the
// real package in the page's Python worker (MicrogptRuntime, docs/javascripts/runtime.js).
//
// Loaded by a one-line script inside each figure's HTML, so pages without a figure never
// fetch it. A figure starts Python only when the reader touches it or scrolls it into view.
// One Python session serves every figure, across Material's instant navigation too, so a
// model trained in Act 4 is the one the figures of Acts 3 and 5 read afterwards.
(function () {
  "use strict"
  if (window.MicrogptFigures) return

  let session = null
  const SVG = "http://www.w3.org/2000/svg"

  // --- Talking to Python ---------------------------------------------------------------

  function py(name) {
    const args = Array.prototype.slice.call(arguments, 1).map(function (a) { return JSON.stringify(a) })
    if (!window.MicrogptRuntime) {
      return Promise.reject(new Error("this page has no in-browser Python runtime"))
    }
    session = session || window.MicrogptRuntime.session()
    return session.call("import figures\nfigures." + name + "(" + args.join(", ") + ")")
  }

  // The last line of a Python traceback ("ValueError: at most 15 letters ..."), without the
  // exception's name when it is the ValueError that figures.py raises for bad input.
  function message(error) {
    const lines = String(error && error.message || error).trim().split("\n")
    return lines[lines.length - 1].replace(/^ValueError: /, "")
  }

  // Runs one request at a time per figure; while one runs, later inputs replace each other, so
  // a slider dragged quickly ends with the last value, not a queue of stale ones.
  function latest(run) {
    let busy = false
    let pending = null
    function next() {
      if (pending === null) { busy = false; return }
      const args = pending
      pending = null
      busy = true
      Promise.resolve(run.apply(null, args)).catch(function () {}).then(next)
    }
    return function () {
      pending = Array.prototype.slice.call(arguments)
      if (!busy) next()
    }
  }

  // --- Small DOM helpers ------------------------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag)
    for (const key in attrs || {}) {
      if (key === "text") node.textContent = attrs[key]
      else node.setAttribute(key, attrs[key])
    }
    for (const child of children || []) node.append(child)
    return node
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag)
    for (const key in attrs) node.setAttribute(key, attrs[key])
    return node
  }

  function status(figure, text, isError) {
    const line = figure.querySelector("[data-status]")
    line.textContent = text
    line.classList.toggle("mg-figure__status--error", Boolean(isError))
  }

  function percent(p) {
    return p >= 0.0995 ? (100 * p).toFixed(1) + "%" : p >= 0.000995 ? (100 * p).toFixed(2) + "%" : p.toExponential(1)
  }

  function timed(figure, promise) {
    const start = performance.now()
    return promise.then(function (result) {
      figure.dataset.updateMs = String(Math.round(performance.now() - start))
      return result
    })
  }

  // A probability table: one row per token, most likely first, each with a bar. Rows carry
  // data-token and data-prob (the Python repr: full precision). onPick, if given, makes each
  // letter a button.
  function probabilityTable(tokens, caption, onPick) {
    const rows = tokens.slice().sort(function (x, y) { return y.prob - x.prob })
    const body = rows.map(function (t) {
      const label = onPick && t.token !== "BOS"
        ? el("button", { type: "button", class: "mg-token", text: t.token, "aria-label": "append " + t.token })
        : el("span", { class: "mg-token", text: t.token })
      if (onPick && t.token !== "BOS") label.addEventListener("click", function () { onPick(t.token) })
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

  function place(figure, node) {
    const out = figure.querySelector("[data-output]")
    out.replaceChildren(node)
  }

  // --- Next letter --------------------------------------------------------------------------

  function nextLetter(figure) {
    const input = figure.querySelector("input")
    const update = latest(function (prefix) {
      status(figure, "Computing…")
      return timed(figure, py("next_letter", prefix)).then(function (r) {
        if (input.value !== prefix) return
        const shown = prefix ? "“" + prefix + "”" : "nothing yet"
        place(figure, probabilityTable(r.tokens, "After BOS + " + shown + ": the next token", function (ch) {
          if (input.value.length < Number(input.maxLength)) {
            input.value += ch
            input.dispatchEvent(new Event("input"))
          }
          input.focus()
        }))
        figure.dataset.prefix = prefix
        status(figure, "Model: " + r.model + ". BOS means the name ends here. Press a letter to append it.")
      }, function (e) {
        status(figure, message(e), true)
      })
    })
    input.addEventListener("input", function () { update(input.value) })
    update(input.value)
  }

  // --- Temperature ----------------------------------------------------------------------------

  function temperature(figure) {
    const slider = figure.querySelector("input[type=range]")
    const shown = figure.querySelector("output")
    const update = latest(function (t) {
      status(figure, "Sampling 20 names at temperature " + t + "…")
      return timed(figure, py("temperature", t, 20, 42)).then(function (r) {
        if (Number(slider.value) !== t) return
        const names = el("ol", { class: "mg-names" }, r.samples.map(function (s) {
          return el("li", { "data-real": String(s.real) }, [
            s.name || "(empty)", s.real ? el("span", { class: "mg-real", text: " in the training set" }) : "",
          ])
        }))
        const summary = el("p", { "data-real-count": String(r.real), text:
          r.real + " of " + r.samples.length + " names are in the training set (seed " + r.seed + ")." })
        place(figure, el("div", { class: "mg-columns" }, [
          probabilityTable(r.first, "The first letter at temperature " + t),
          el("div", {}, [summary, names]),
        ]))
        figure.dataset.temperature = String(t)
        status(figure, "Model: " + r.model + ".")
      }, function (e) { status(figure, message(e), true) })
    })
    function read() {
      const t = Number(slider.value)
      shown.textContent = t.toFixed(1)
      update(t)
    }
    slider.addEventListener("input", read)
    read()
  }

  // --- Attention ---------------------------------------------------------------------------------

  function attention(figure) {
    const input = figure.querySelector("input")
    const update = latest(function (name) {
      status(figure, "Computing…")
      return timed(figure, py("attention", name)).then(function (r) {
        if (input.value !== name) return
        const labels = r.labels
        const heads = []
        r.weights.forEach(function (layer, li) {
          layer.forEach(function (rows, h) {
            const head = r.weights.length > 1 ? "layer " + li + ", head " + h : "head " + h
            const header = el("tr", {}, [el("th", { scope: "col", text: "query \\ key" })].concat(
              labels.map(function (l) { return el("th", { scope: "col", text: l }) })))
            const body = rows.map(function (row, q) {
              const cells = labels.map(function (key, k) {
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
        place(figure, el("div", { class: "mg-heads" }, heads))
        figure.dataset.name = name
        status(figure, "Model: " + r.model + ". Each row is a position looking back; it sums to 1.")
      }, function (e) { status(figure, message(e), true) })
    })
    input.addEventListener("input", function () { update(input.value) })
    update(input.value)
  }

  // --- Backward, step by step ---------------------------------------------------------------------

  function parseVariables(text) {
    const variables = {}
    for (const part of text.split(",")) {
      if (!part.trim()) continue
      const m = part.match(/^\s*([A-Za-z_]\w*)\s*=\s*(-?[0-9.]+(?:e-?\d+)?)\s*$/)
      if (!m || isNaN(Number(m[2]))) throw new Error("write the inputs as a = 2, b = 3")
      variables[m[1]] = Number(m[2])
    }
    return variables
  }

  function fmt(x) {
    return Number.isInteger(x) ? String(x) : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(+x.toFixed(4)) : x.toExponential(3)
  }

  function backward(figure) {
    const expr = figure.querySelector("[data-input=expression]")
    const vars = figure.querySelector("[data-input=variables]")
    const prev = figure.querySelector("[data-step=prev]")
    const next = figure.querySelector("[data-step=next]")
    const all = figure.querySelector("[data-step=all]")
    let graph = null
    let at = 0 // 0..nodes (forward: nodes shown), then nodes..nodes+steps (backward)
    prev.disabled = next.disabled = all.disabled = true // until Python has built the graph

    function draw() {
      const n = graph.nodes.length
      const shown = Math.min(at, n)
      const done = Math.max(0, at - n)
      const grads = graph.nodes.map(function () { return null })
      if (done > 0) grads[graph.output] = 1
      for (let i = 0; i < done; i++) grads[graph.steps[i].child] = graph.steps[i].grad
      const step = done > 0 ? graph.steps[done - 1] : null

      // layout: column = depth (inputs at 0), rows in the order of the topological list
      const depth = graph.nodes.map(function () { return 0 })
      graph.edges.forEach(function (e) { depth[e.parent] = Math.max(depth[e.parent], depth[e.child] + 1) })
      const rows = {}
      const pos = graph.nodes.map(function (_, i) {
        const row = rows[depth[i]] = (rows[depth[i]] || 0) + 1
        return { x: depth[i], y: row - 1 }
      })
      const W = 150, H = 64, BW = 120, BH = 46
      const cols = Math.max.apply(null, depth) + 1
      const height = Math.max.apply(null, Object.values(rows))
      const TOP = 28 // room for the arcs above the first row
      const picture = svg("svg", { viewBox: "0 " + (-TOP) + " " + (cols * W) + " " + (height * H + TOP), role: "img",
        "aria-label": "the computation graph; the table below lists every node", class: "mg-graph" })
      picture.style.minWidth = Math.min(cols * W, cols * 100) + "px"
      picture.style.maxWidth = cols * W + "px"
      function centre(i) { return [pos[i].x * W + BW / 2 + 10, pos[i].y * H + BH / 2 + 8] }
      graph.edges.forEach(function (e) {
        if (e.child >= shown || e.parent >= shown) return
        const a = centre(e.child), b = centre(e.parent)
        const active = step && step.child === e.child && step.parent === e.parent
        // an edge that skips a column arcs over the boxes between, so it never runs through one
        const x1 = a[0] + BW / 2, x2 = b[0] - BW / 2, span = pos[e.parent].x - pos[e.child].x
        const lift = span > 1 ? Math.min(a[1], b[1]) - BH / 2 - 14 - a[1] : 0
        const mx = (x1 + x2) / 2, my = (a[1] + b[1]) / 2 + lift * 2
        picture.append(svg("path", { d: "M" + x1 + " " + a[1] + " Q" + mx + " " + my + " " + x2 + " " + b[1],
          class: active ? "mg-edge mg-edge--active" : "mg-edge" }))
        const label = svg("text", { x: mx, y: (a[1] + b[1]) / 2 + lift - 4, class: "mg-edge-label" })
        label.textContent = fmt(e.local)
        picture.append(label)
      })
      graph.nodes.forEach(function (node, i) {
        if (i >= shown) return
        const c = centre(i)
        const active = step ? step.child === i || step.parent === i : i === shown - 1 && done === 0
        picture.append(svg("rect", { x: c[0] - BW / 2, y: c[1] - BH / 2, width: BW, height: BH, rx: 6,
          class: active ? "mg-node mg-node--active" : "mg-node" }))
        const lines = [node.label.length > 16 ? node.label.slice(0, 15) + "…" : node.label,
          "data " + fmt(node.data), grads[i] === null ? "grad ·" : "grad " + fmt(grads[i])]
        lines.forEach(function (text, k) {
          const t = svg("text", { x: c[0], y: c[1] - 10 + 14 * k, class: k ? "mg-node-num" : "mg-node-label" })
          t.textContent = text
          picture.append(t)
        })
      })

      const table = el("table", { class: "mg-values" }, [
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: "node" }),
          el("th", { scope: "col", text: "data" }), el("th", { scope: "col", text: "grad" })])]),
        el("tbody", {}, graph.nodes.slice(0, shown).map(function (node, i) {
          return el("tr", { "data-node": node.label, "data-data": String(node.data),
            "data-grad": grads[i] === null ? "" : String(grads[i]) }, [
            el("th", { scope: "row", text: node.label }), el("td", { text: String(node.data) }),
            el("td", { text: grads[i] === null ? "not yet" : String(grads[i]) })])
        })),
      ])
      place(figure, el("div", {}, [el("div", { class: "mg-scroll" }, [picture]), table]))

      let say
      if (at === 0) say = "Press Next to build the graph, one node at a time."
      else if (!step) {
        const node = graph.nodes[shown - 1]
        say = "Forward " + shown + "/" + n + ": " + node.label + " = " + fmt(node.data) +
          (shown === n ? ". Next: backward() starts at the output with grad 1." : ".")
      } else {
        say = "Backward " + done + "/" + graph.steps.length + ": " + graph.nodes[step.parent].label + " hands " +
          fmt(step.local) + " × " + fmt(step.upstream) + " to " + graph.nodes[step.child].label +
          ", whose grad is now " + fmt(step.grad) + "."
      }
      status(figure, say)
      prev.disabled = at === 0
      next.disabled = all.disabled = at === n + graph.steps.length
      figure.dataset.at = String(at)
    }

    function build() {
      let variables
      try { variables = parseVariables(vars.value) } catch (e) { status(figure, e.message, true); return Promise.resolve() }
      status(figure, "Computing…")
      return timed(figure, py("backward_steps", expr.value, variables)).then(function (r) {
        graph = r
        at = 0
        draw()
      }, function (e) { status(figure, message(e), true) })
    }

    prev.addEventListener("click", function () { if (graph && at > 0) { at--; draw() } })
    next.addEventListener("click", function () {
      if (graph && at < graph.nodes.length + graph.steps.length) { at++; draw() }
    })
    all.addEventListener("click", function () { if (graph) { at = graph.nodes.length + graph.steps.length; draw() } })
    figure.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); build() })
    build()
  }

  // --- Train it yourself ----------------------------------------------------------------------

  function train(figure) {
    const form = figure.querySelector("form")
    const stop = figure.querySelector("[data-action=stop]")
    const reference = figure.querySelector("[data-action=reference]")
    const start = form.querySelector("button[type=submit]")
    let stopping = false

    function curve(losses, total) {
      const w = 600, h = 200, top = Math.max.apply(null, losses.concat([3.5])), bottom = 0
      const picture = svg("svg", { viewBox: "0 0 " + w + " " + h, class: "mg-curve", role: "img",
        "aria-label": "loss curve: " + losses.length + " steps, last loss " +
          (losses.length ? losses[losses.length - 1].toFixed(4) : "none") + "; every step is listed below" })
      picture.append(svg("line", { x1: 0, y1: h, x2: w, y2: h, class: "mg-axis" }))
      const points = losses.map(function (l, i) {
        return ((i + 1) / total * w).toFixed(1) + "," + (h - (l - bottom) / (top - bottom) * h).toFixed(1)
      })
      picture.append(svg("polyline", { points: points.join(" "), class: "mg-line" }))
      const label = svg("text", { x: 4, y: 14, class: "mg-edge-label" })
      label.textContent = "loss (0 to " + top.toFixed(1) + ") over " + total + " steps"
      picture.append(label)
      return picture
    }

    async function run() {
      const value = function (name) { return Number(form.elements[name].value) }
      stopping = false
      start.disabled = true
      stop.disabled = false
      const log = el("pre", { class: "mg-log", "data-train-log": "", tabindex: "0" })
      const samples = el("ol", { class: "mg-names", "aria-label": "samples" })
      const chart = el("div")
      place(figure, el("div", {}, [chart, el("p", { text: "Samples (temperature 0.5), every 50 steps:" }), samples, log]))
      const losses = []
      try {
        status(figure, "Setting up…")
        const info = await py("train_start", value("steps"), value("n_embd"), value("lr"), value("seed"))
        log.textContent = "num docs: " + info.num_docs + "\nvocab size: " + info.vocab_size +
          "\nnum params: " + info.num_params + "\n"
        let finished = false
        while (!finished && !stopping) {
          const chunk = await py("train_chunk", 5)
          for (const s of chunk.losses) { losses.push(s.loss); log.textContent += s.line + "\n" }
          finished = chunk.finished
          chart.replaceChildren(curve(losses, info.steps))
          status(figure, "Step " + chunk.step + " of " + info.steps + ", loss " + losses[losses.length - 1].toFixed(4))
          if (chunk.step % 50 === 0 || finished || stopping) {
            const names = await py("train_samples", 5)
            samples.replaceChildren.apply(samples, names.map(function (n) {
              return el("li", { text: "step " + chunk.step + ": " + (n || "(empty)") })
            }))
          }
        }
        const source = await py("train_keep")
        figure.dataset.trained = String(losses.length)
        status(figure, (stopping ? "Stopped. " : "Done. ") + "The other figures now read " + source + ".")
        reference.hidden = false
      } catch (e) {
        status(figure, message(e), true)
      } finally {
        start.disabled = false
        stop.disabled = true
      }
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); if (!start.disabled) run() })
    stop.addEventListener("click", function () { stopping = true; status(figure, "Stopping after this chunk of steps…") })
    reference.addEventListener("click", function () {
      py("use_reference").then(function (source) {
        reference.hidden = true
        status(figure, "The figures read the " + source + " again.")
      }, function (e) { status(figure, message(e), true) })
    })
    status(figure, "Choose the settings and press Train: it runs the scalar engine in your browser.")
  }

  // --- Start each figure when it is touched or seen -----------------------------------------------

  const FIGURES = { "next-letter": nextLetter, temperature: temperature, attention: attention,
    backward: backward, train: train }

  function activate(figure) {
    if (figure.dataset.active) return
    figure.dataset.active = "true"
    const setup = FIGURES[figure.dataset.figure]
    if (setup) setup(figure)
  }

  function init() {
    const figures = document.querySelectorAll("[data-figure]")
    if (!figures.length) return
    const seen = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
      for (const entry of entries) {
        if (entry.isIntersecting) { seen.unobserve(entry.target); activate(entry.target) }
      }
    }, { rootMargin: "100px" }) : null
    figures.forEach(function (figure) {
      figure.addEventListener("focusin", function () { activate(figure) }, { once: true })
      figure.addEventListener("pointerdown", function () { activate(figure) }, { once: true })
      if (seen) seen.observe(figure)
    })
  }

  window.MicrogptFigures = { init: init }
  init()
})()
