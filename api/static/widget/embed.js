/*
 * Orientation widget — embed script, served at /widget.js.
 *
 *   <script src="https://HOST/widget.js" data-campus="CAMPUS_ID" data-partner="PARTNER_ID" async></script>
 *
 * Inserts an iframe showing HOST/widget/?campus=…&partner=… right after this script tag,
 * and keeps its height equal to the widget's (the widget posts its height). Both data-*
 * attributes are optional. Nothing else is read from, or written to, the host page.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var source = new URL("widget/", new URL(".", script.src));
  var campus = script.getAttribute("data-campus");
  var partner = script.getAttribute("data-partner");
  if (campus) source.searchParams.set("campus", campus);
  if (partner) source.searchParams.set("partner", partner);

  var frame = document.createElement("iframe");
  frame.src = source.href;
  frame.title = script.getAttribute("data-title") || "Trouve ta formation près de chez toi";
  frame.setAttribute("class", "orientation-widget");
  frame.style.cssText = "display:block;width:100%;max-width:100%;height:900px;border:0;";
  script.parentNode.insertBefore(frame, script.nextSibling);

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== source.origin) return;
    var data = event.data;
    if (data && data.type === "orientation-widget:height" && typeof data.height === "number") {
      frame.style.height = Math.max(300, Math.ceil(data.height)) + "px";
    }
  });
})();
