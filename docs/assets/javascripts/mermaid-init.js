// mermaid.min.js (vendored from the npm package mermaid@11, MIT: mermaid.LICENSE.txt) defines
// the global `mermaid`, so Material uses it instead of fetching it from a CDN. Material renders
// the diagrams itself (with its light/dark colours); mermaid's own start-up is switched off.
window.mermaid.initialize({ startOnLoad: false });
