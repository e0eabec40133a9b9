// Mermaid, fetched from this site only when a page has a diagram.
//
// Material renders every ```mermaid fence with the global `mermaid`; when there
// is none it fetches mermaid from a CDN. This stands in for the global from the
// start: Material calls initialize() once and render() per diagram, and the
// first render() loads vendor/mermaid/mermaid.min.js (3.6 MB), which replaces
// this stand-in with the real mermaid. Pages without diagrams never load it.
//
// A <script> in the page itself would not do: under instant navigation Material
// re-runs such scripts on every visit, creating a fresh mermaid that lacks the
// configuration (theme, fonts) Material gave the first one.
(function () {
  const source = new URL("../vendor/mermaid/mermaid.min.js", document.currentScript.src).href
  let options = {}
  let loaded = null

  function load() {
    loaded = loaded || new Promise(function (resolve, reject) {
      const script = document.createElement("script")
      script.src = source
      script.onload = function () {
        window.mermaid.initialize(options) // the real mermaid, set by the script
        resolve(window.mermaid)
      }
      script.onerror = function () { reject(new Error("could not load " + source)) }
      document.body.appendChild(script)
    })
    return loaded
  }

  window.mermaid = {
    initialize: function (config) { options = config },
    render: function (id, text) {
      return load().then(function (mermaid) { return mermaid.render(id, text) })
    },
  }
})()
