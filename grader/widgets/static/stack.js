// Containers vs virtual machines: two toggles, an instance count, and the stacks.
function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function layerClass(name) {
  if (name === "app") return "cw-app";
  if (name.includes("operating system")) return "cw-os";
  return "cw-libs";
}

function size(mb) {
  return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${mb} MB`;
}

export default {
  render({ model, el: root }) {
    const box = el("div", { class: "course-widget", role: "group",
      "aria-label": "Containers versus virtual machines" });
    const bar = el("div", { class: "cw-bar" });
    const buttons = {};
    for (const [mode, label] of [["containers", "Containers"], ["vms", "Virtual machines"]]) {
      const button = el("button", { type: "button" }, label);
      button.addEventListener("click", () => { model.set("mode", mode); model.save_changes(); });
      buttons[mode] = button;
      bar.append(button);
    }
    const countLabel = el("label", {}, "Instances: ");
    const count = el("input", { type: "range", min: "1", max: "5", step: "1" });
    count.addEventListener("input", () => {
      model.set("instances", Number(count.value)); model.save_changes();
    });
    countLabel.append(count);
    bar.append(countLabel);
    const picture = el("div", { "aria-hidden": "true" });
    const caption = el("div", { class: "cw-caption", "aria-hidden": "true" });
    const spoken = el("p", { class: "cw-sr", "aria-live": "polite" });
    box.append(bar, picture, caption, spoken);
    root.append(box);

    function draw() {
      const mode = model.get("mode");
      const stack = model.get("stack") || { columns: [], shared: [] };
      for (const [key, button] of Object.entries(buttons)) {
        button.setAttribute("aria-pressed", String(key === mode));
      }
      count.value = String(model.get("instances"));
      picture.replaceChildren();
      const columns = el("div", { class: "cw-columns" });
      for (const column of stack.columns) {
        const col = el("div", { class: "cw-column" });
        col.append(el("div", { class: "cw-box cw-app" }, column.app));
        for (const layer of column.layers.slice(1)) {
          col.append(el("div", { class: `cw-box ${layerClass(layer.name)}` },
            `${layer.name} (${size(layer.size_mb)})`));
        }
        columns.append(col);
      }
      picture.append(columns);
      for (const layer of stack.shared) picture.append(el("div", { class: "cw-box cw-shared" }, layer));
      caption.textContent = `Disk for all instances: about ${size(stack.total_size_mb)}. ` +
        `Start time of one: about ${stack.start_seconds} s.`;
      spoken.textContent = model.get("description");
    }
    model.on("change:stack", draw);
    model.on("change:description", draw);
    draw();
  },
};
