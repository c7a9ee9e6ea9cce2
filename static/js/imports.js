// Import pages: while an upload is validated or committed, poll its progress and show a bar.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-import-form]").forEach((form) => {
    form.addEventListener("submit", () => {
      const token = form.querySelector("input[name=progress]");
      const box = form.parentElement.querySelector(".import-progress");
      if (!token || !box) return;
      const bar = box.querySelector("progress");
      const text = box.querySelector(".import-progress-text");
      box.hidden = false;
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
      const url = box.dataset.progressUrl + "?token=" + encodeURIComponent(token.value);
      const poll = () => {
        fetch(url, { credentials: "same-origin" })
          .then((r) => r.json())
          .then((p) => {
            if (p.total) {
              const pct = Math.min(100, Math.round((100 * p.done) / p.total));
              bar.value = pct;
              text.textContent = "已处理 " + p.done + " / " + p.total + " 行（" + pct + "%）";
            } else if (p.done) {
              bar.removeAttribute("value");
              text.textContent = "已处理 " + p.done + " 行";
            }
          })
          .catch(() => {})
          .finally(() => { window.setTimeout(poll, 700); });
      };
      window.setTimeout(poll, 300);
    });
  });
});
