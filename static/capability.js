// Live scores for the capability assessment form: the server scores the form as it stands (POST …/score, nothing
// saved) and this writes the figures it answers into the page. Without JavaScript the form works the same.
(function () {
  "use strict";
  var form = document.getElementById("cap-form");
  if (!form || !window.fetch) return;
  var url = form.getAttribute("data-score-url");
  var timer = null;
  var seq = 0;
  function paint(el, s) {
    el.textContent = s.score;
    el.className = el.className.replace(/\bmark-\w+/g, "") + " mark-" + s.band;
  }
  function refresh() {
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    body.delete("action");
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: { "Content-Type": "application/x-www-form-urlencoded" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || mine !== seq) return;
        document.querySelectorAll("[data-score]").forEach(function (el) {
          var key = el.getAttribute("data-score");
          var s = key === "overall" ? data.overall : data.scores[key];
          if (s) paint(el, s);
        });
        var answered = document.querySelector("[data-answered]");
        if (answered) answered.textContent = data.answered;
        form.setAttribute("data-scored", String(mine));
      })
      .catch(function () {});
  }
  // "None of these" and the practices of a checklist exclude each other.
  form.addEventListener("change", function (e) {
    var box = e.target;
    if (box.type !== "checkbox") return;
    form.querySelectorAll('input[type=checkbox][name="' + box.name + '"]').forEach(function (other) {
      if (box.checked && other !== box && (box.value === "none" || other.value === "none")) other.checked = false;
    });
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  });
})();
