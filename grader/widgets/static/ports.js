// Host ports -> container ports: a table of arrows, refreshed after each %%docker cell.
export default {
  render({ model, el: root }) {
    const { box, bar, error, spoken } = frame(model, root);
    bar.append(error);
    const table = document.createElement("table");
    const caption = document.createElement("caption");
    caption.className = "cw-sr";
    box.append(bar, table, spoken);

    function cell(row, text, header = false) {
      const node = document.createElement(header ? "th" : "td");
      node.textContent = text;
      row.append(node);
    }

    function draw() {
      const mappings = model.get("mappings");
      table.replaceChildren(caption);
      caption.textContent = "Published ports";
      const head = document.createElement("tr");
      for (const title of ["Host (localhost)", "", "Container", "Container port", "Answers?"]) {
        cell(head, title, true);
      }
      table.append(head);
      if (mappings.length === 0) {
        const row = document.createElement("tr");
        const empty = document.createElement("td");
        empty.colSpan = 5;
        empty.textContent = "No published ports: run a container with -p HOST:CONTAINER.";
        row.append(empty);
        table.append(row);
      }
      for (const item of mappings) {
        const row = document.createElement("tr");
        cell(row, item.host_port ? `:${item.host_port}` : "random");
        cell(row, "→");
        cell(row, item.container);
        cell(row, item.container_port);
        cell(row, item.running ? "yes (running)" : "no (stopped)");
        table.append(row);
      }
      spoken.textContent = model.get("description");
      error.textContent = model.get("error");
    }
    drawOn(model, ["mappings", "description", "error"], draw);
  },
};
