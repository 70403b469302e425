// Local image names (left) and the registry's tags (right); what just moved is outlined.
export default {
  render({ model, el: root }) {
    const { box, bar, error, spoken } = frame(model, root);
    bar.append(error);
    const columns = document.createElement("div");
    columns.className = "cw-registry";
    columns.setAttribute("aria-hidden", "true");
    const local = document.createElement("section");
    const arrow = document.createElement("div");
    arrow.textContent = "push →\n← pull";
    arrow.style.whiteSpace = "pre";
    arrow.style.alignSelf = "center";
    const remote = document.createElement("section");
    columns.append(local, arrow, remote);
    const news = document.createElement("div");
    news.className = "cw-caption";
    box.append(bar, columns, news, spoken);

    function heading(section, text) {
      const title = document.createElement("h4");
      title.textContent = text;
      section.append(title);
    }

    function tag(section, text, moved) {
      const item = document.createElement("div");
      item.className = "cw-tag" + (moved ? " cw-tag-moved" : "");
      item.textContent = text;
      section.append(item);
    }

    function draw() {
      const moved = model.get("moved").join("; ");
      const arrived = model.get("arrived") || { local: [], remote: [] };
      local.replaceChildren();
      heading(local, "This machine (docker images)");
      for (const image of model.get("local")) {
        const group = document.createElement("div");
        group.textContent = `image ${image.id}`;
        local.append(group);
        for (const name of image.names) tag(local, name, arrived.local.includes(name));
      }
      remote.replaceChildren();
      heading(remote, `Registry ${model.get("host")}`);
      if (model.get("remote").length === 0) tag(remote, "(no repositories yet)", false);
      for (const repo of model.get("remote")) {
        for (const name of repo.tags) {
          const full = `${repo.repo}:${name}`;
          tag(remote, full, arrived.remote.includes(full));
        }
      }
      news.textContent = moved ? `Just now: ${moved}` : "";
      spoken.textContent = model.get("description");
      error.textContent = model.get("error");
    }
    drawOn(model, ["host", "local", "remote", "moved", "arrived", "description", "error"], draw);
  },
};
