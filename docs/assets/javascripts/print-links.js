/* Printed link targets (issue 23): on the printable runbooks page, every link a reader may
   need on paper carries its full address in `data-print-url`, which the print style shows
   after the link. Addresses are resolved against the page's canonical URL (the published
   site), so a PDF printed from a local build still names the public pages. Left out: the
   heading permalinks, code line anchors, fact citations (their source is on the site) and
   the contents' own in-page links (the contents show page numbers instead). */
(function () {
  function siteRoot(page) {
    /* Material writes the way from this page to the site's root in #__config ("../.."). */
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), page);
  }

  function mark() {
    var root = document.querySelector(".korrigo-print");
    if (!root) return;
    var here = new URL(document.location.href);
    var canonical = document.querySelector('link[rel="canonical"]');
    var localRoot = siteRoot(here);
    var publicRoot = siteRoot(new URL(canonical ? canonical.href : here.href));
    root.querySelectorAll("a[href]").forEach(function (link) {
      if (link.classList.contains("headerlink")) return;
      if ((link.getAttribute("title") || "").indexOf("fact ") === 0) return;
      if (link.closest(".fact-source")) return;
      /* Material's instant navigation turns relative links into absolute ones: both kinds
         are read as addresses on this site, then named on the published one. */
      var url = new URL(link.getAttribute("href"), here);
      if (url.href.indexOf(localRoot.href) === 0) {
        if (url.pathname === here.pathname) return; /* this page: the contents, anchors */
        url = new URL(url.href.slice(localRoot.href.length), publicRoot);
      }
      link.setAttribute("data-print-url", url.href);
    });
  }

  /* The script runs after the content (end of body); again on each page Material's
     instant navigation swaps in, and right before printing. */
  mark();
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(mark);
  window.addEventListener("beforeprint", mark);
})();
