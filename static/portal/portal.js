// 公示平台: optional enhancement — a "复制" button beside each verify command. Pages work without it.
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  document.querySelectorAll("pre.command").forEach((pre) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary copy";
    button.textContent = "复制命令";
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(pre.textContent.trim()).then(() => {
        button.textContent = "已复制";
      });
    });
    pre.after(button);
  });
});
