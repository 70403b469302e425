// Containers vs virtual machines: two toggles, an instance count, and the stacks.
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
    const { box, bar, spoken } = frame(model, root, { refresh: false });
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Containers versus virtual machines");
    const buttons = {};
    for (const [mode, label] of [["containers", "Containers"], ["vms", "Virtual machines"]]) {
      const button = html("button", { type: "button" }, label);
      button.addEventListener("click", () => { model.set("mode", mode); model.save_changes(); });
      buttons[mode] = button;
      bar.append(button);
    }
    const countLabel = html("label", {}, "Instances: ");
    const count = html("input", { type: "range", min: "1", max: "5", step: "1" });
    count.addEventListener("input", () => {
      model.set("instances", Number(count.value)); model.save_changes();
    });
    countLabel.append(count);
    bar.append(countLabel);
    const picture = html("div", { "aria-hidden": "true" });
    const caption = html("div", { class: "cw-caption", "aria-hidden": "true" });
    box.append(bar, picture, caption, spoken);

    function draw() {
      const mode = model.get("mode");
      const stack = model.get("stack") || { columns: [], shared: [] };
      for (const [key, button] of Object.entries(buttons)) {
        button.setAttribute("aria-pressed", String(key === mode));
      }
      count.value = String(model.get("instances"));
      picture.replaceChildren();
      const columns = html("div", { class: "cw-columns" });
      for (const column of stack.columns) {
        const col = html("div", { class: "cw-column" });
        col.append(html("div", { class: "cw-box cw-app" }, column.app));
        for (const layer of column.layers.slice(1)) {
          col.append(html("div", { class: `cw-box ${layerClass(layer.name)}` },
            `${layer.name} (${size(layer.size_mb)})`));
        }
        columns.append(col);
      }
      picture.append(columns);
      for (const layer of stack.shared) picture.append(html("div", { class: "cw-box cw-shared" }, layer));
      caption.textContent = `Disk for all instances: about ${size(stack.total_size_mb)}. ` +
        `Start time of one: about ${stack.start_seconds} s.`;
      spoken.textContent = model.get("description");
    }
    drawOn(model, ["stack", "description"], draw);
  },
};
