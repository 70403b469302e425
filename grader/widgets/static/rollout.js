// A rolling update pod by pod: each revision's pods now, the bounds, the steps seen so far.
const LEGEND = [["available", "available"], ["ready", "ready, not yet available"],
  ["waiting", "not ready yet"], ["failing", "failing"]];

export default {
  render({ model, el: root }) {
    const { box, bar, spoken } = frame(model, root);
    bar.append(sender(model, "Next step", { type: "step" },
      "move the clock to the rollout's next step"));
    const head = html("p", { "aria-hidden": "true" });
    const now = html("div", { "aria-hidden": "true" });
    const legend = html("p", { class: "cw-caption", "aria-hidden": "true" });
    const timeline = html("table", { "aria-hidden": "true" });
    const events = html("ul", { class: "cw-caption", "aria-hidden": "true" });
    box.append(bar, head, now, legend, timeline, events, spoken);
    for (const [state, text] of LEGEND) {
      legend.append(html("span", { class: `cw-pod cw-${state}`, style: "display:inline-block" }),
        ` ${text}  `);
    }

    function pods(revision) {
      const row = html("span", { class: "cw-pods" });
      for (const pod of revision.pods) {
        const square = html("span", { class: `cw-pod cw-${pod.state}` });
        square.title = `${pod.name}: ${pod.status}`;
        row.append(square);
      }
      return row;
    }

    function draw() {
      const current = model.get("current");
      if (!current.revisions) {
        head.textContent = `No Deployment ${model.get("deployment")} yet.`;
        now.replaceChildren();
      } else {
        head.textContent = `Deployment ${current.deployment}: replicas ${current.replicas}, ` +
          `maxSurge ${current.max_surge} → at most ${current.max_pods} pods, ` +
          `maxUnavailable ${current.max_unavailable} → at least ${current.min_available} ` +
          `available. Rollout ${current.phase}.`;
        now.replaceChildren();
        for (const revision of current.revisions) {
          const line = html("div", { class: "cw-revision" });
          line.append(html("strong", {}, `revision ${revision.revision}`),
            ` ${revision.image} (${revision.replicaset}, wants ${revision.desired}) `, pods(revision));
          now.append(line);
        }
      }
      timeline.replaceChildren();
      const steps = model.get("steps");
      if (steps.length > 1) {
        const title = html("tr");
        for (const text of ["Step", "Pods per revision"]) title.append(html("th", {}, text));
        timeline.append(title);
      }
      steps.forEach((step, index) => {
        if (steps.length < 2) return;
        const row = html("tr", { class: "cw-step" });
        row.append(html("td", {}, String(index + 1)));
        const cell = html("td");
        for (const revision of step) {
          cell.append(html("small", {}, ` r${revision.revision} `), pods(revision));
        }
        row.append(cell);
        timeline.append(row);
      });
      events.replaceChildren(...(current.events || []).map((text) => html("li", {}, text)));
      spoken.textContent = model.get("description");
    }
    drawOn(model, ["current", "steps", "deployment", "description"], draw);
  },
};
