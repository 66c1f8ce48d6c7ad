/* E-mail addresses in Kontor's pages are mailto: links (kontor.core.records.tables.value_url).
   Clicked inside Kontor, one opens Kontor's compose page for the record it belongs to: the
   record of the list row it is in, else the record whose page this is. Copying the link, or
   opening it with a modifier key, still gives the address to the mail program. */
(function () {
  "use strict";
  var script = document.currentScript;
  var compose = script && script.dataset.compose;
  if (!compose) return;
  var RECORD = /^\/([a-z][a-z0-9_-]*)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/$/;

  function recordOf(link) {
    var row = link.closest("tr");
    var anchors = row ? row.querySelectorAll("a[href]") : [];
    for (var i = 0; i < anchors.length; i++) {
      var found = RECORD.exec(anchors[i].getAttribute("href"));
      if (found) return found[1] + ":" + found[2];
    }
    var page = RECORD.exec(window.location.pathname);
    return page ? page[1] + ":" + page[2] : "";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="mailto:"]');
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    if (link.dataset.mailProgram !== undefined) return;
    var address = decodeURIComponent(link.getAttribute("href").slice(7).split("?")[0]);
    var query = new URLSearchParams({ to: address });
    var parent = recordOf(link);
    if (parent) query.set("parent", parent);
    event.preventDefault();
    window.location.assign(compose + "?" + query.toString());
  });
})();
