// An image's layers, top first; green = reused from the build cache, orange = rebuilt.
export default {
  render({ model, el: root }) {
    const { box, bar, error, spoken } = frame(model, root);
    const title = document.createElement("strong");
    bar.append(title, error);
    const stack = document.createElement("ol");
    stack.className = "cw-layers";
    stack.setAttribute("aria-hidden", "true");
    const legend = document.createElement("div");
    legend.className = "cw-legend";
    for (const [state, text] of [["reused", "reused (cache)"], ["rebuilt", "rebuilt"],
      ["new", "built"], ["base", "base image"]]) {
      const item = document.createElement("span");
      item.className = `cw-layer cw-layer-${state}`;
      item.textContent = text;
      legend.append(item);
    }
    box.append(bar, stack, legend, spoken);

    function size(bytes) {
      if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)}GB`;
      if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)}MB`;
      if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)}kB`;
      return `${bytes}B`;
    }

    function draw() {
      title.textContent = `Layers of ${model.get("image")}`;
      stack.replaceChildren();
      for (const layer of model.get("layers")) {
        const row = document.createElement("li");
        row.className = `cw-layer cw-layer-${layer.state}`;
        const step = document.createElement("span");
        step.textContent = layer.step;
        const meta = document.createElement("span");
        const id = layer.id === "<missing>" ? "<missing>" : layer.id.replace("sha256:", "").slice(0, 12);
        meta.textContent = `${id}  ${size(layer.size)}`;
        row.append(step, meta);
        stack.append(row);
      }
      spoken.textContent = model.get("description");
      error.textContent = model.get("error");
    }
    drawOn(model, ["image", "layers", "description", "error"], draw);
  },
};
