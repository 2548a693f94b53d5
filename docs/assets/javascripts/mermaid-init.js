// A stand-in for the global `mermaid` that Material for MkDocs looks for.
//
// Material draws mermaid diagrams with the global `mermaid`, and fetches it from a CDN when
// that global is missing: this site makes no third-party request, so it must exist. The
// real library (mermaid.min.js, vendored from the npm package mermaid@11, MIT:
// mermaid.LICENSE.txt) weighs 3.5 MB, so this stand-in loads it from the site itself only
// when Material first asks to draw a diagram, i.e. on the pages that have one. Loading
// the script replaces the stand-in with the real `mermaid` for every later call.
(function () {
  "use strict";
  var source = new URL("mermaid.min.js", document.currentScript.src).href;
  var options = {};
  var loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = source;
        tag.onload = function () {
          window.mermaid.initialize(Object.assign({}, options, { startOnLoad: false }));
          resolve(window.mermaid);
        };
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  window.mermaid = {
    initialize: function (given) {
      options = given || {};
    },
    render: function (id, text) {
      return load().then(function (real) {
        return real.render(id, text);
      });
    },
  };
})();
