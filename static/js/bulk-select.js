// List pages: a header checkbox (data-select-all="group") ticks or clears every row checkbox of
// the same group (data-select-group="group"). Without JavaScript the rows are ticked one by one.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-select-all]").forEach((all) => {
    const group = all.dataset.selectAll;
    const boxes = () =>
      Array.from(document.querySelectorAll("input[data-select-group]")).filter(
        (box) => box.dataset.selectGroup === group,
      );
    all.addEventListener("change", () => {
      boxes().forEach((box) => {
        box.checked = all.checked;
      });
    });
    boxes().forEach((box) => {
      box.addEventListener("change", () => {
        const ticked = boxes().filter((b) => b.checked).length;
        all.checked = ticked > 0 && ticked === boxes().length;
        all.indeterminate = ticked > 0 && ticked < boxes().length;
      });
    });
  });
});
