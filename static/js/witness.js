// A witness's secret never leaves this page: the commitment H("suiji/1/witness"; name; secret)
// is computed here (docs/draw-algorithm.md §2.2, §6.2) and only the commitment is sent.
(function () {
  "use strict";
  function enc(bytes) {
    const out = new Uint8Array(4 + bytes.length);
    new DataView(out.buffer).setUint32(0, bytes.length, false);
    out.set(bytes, 4);
    return out;
  }
  function concat(parts) {
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const p of parts) { out.set(p, offset); offset += p.length; }
    return out;
  }
  async function commitment(name, secret) {
    const te = new TextEncoder();
    const data = concat([
      enc(te.encode("suiji/1/witness")),
      enc(te.encode(name.normalize("NFC"))),
      te.encode(secret.normalize("NFC")),
    ]);
    const digest = await crypto.subtle.digest("SHA-256", data);
    return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  function randomSecret() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes).map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  document.addEventListener("DOMContentLoaded", () => {
    const box = document.getElementById("witness-commit");
    if (!box) return;
    const secret = document.getElementById("witness-secret");
    const output = document.querySelector("input[name=commitment]");
    const note = document.getElementById("witness-note");
    if (!(window.crypto && crypto.subtle)) {
      note.textContent = "此浏览器无法在本机计算承诺值（需 HTTPS）。请在本机运行 python -m suiji witness，抄下秘密，把承诺值粘贴到下面。";
      return;
    }
    document.getElementById("witness-generate").addEventListener("click", () => {
      secret.value = randomSecret();
      secret.dispatchEvent(new Event("input"));
    });
    secret.addEventListener("input", async () => {
      output.value = secret.value.length >= 8 ? await commitment(box.dataset.name, secret.value) : "";
    });
  });
})();
