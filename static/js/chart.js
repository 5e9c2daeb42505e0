// The WPM-over-time chart (uPlot), drawn from the server's per-second series. uPlot is
// fetched the first time a chart is drawn (most page views never show one).

let uplot = null;

/** Return uPlot, importing it once (the import map gives its hashed, minified build). */
function loadUplot() {
  uplot ??= import("uplot").then((mod) => mod.default);
  return uplot;
}

/** Return a CSS color (custom properties and light-dark() resolved) as the canvas needs it. */
function color(expr, alpha = 1) {
  const probe = document.createElement("span");
  probe.style.color = expr;
  probe.hidden = true;
  document.body.append(probe);
  const rgb = getComputedStyle(probe).color;
  probe.remove();
  if (alpha === 1) return rgb;
  const parts = rgb.match(/[\d.]+/g) || ["0", "0", "0"];
  return `rgba(${parts[0]}, ${parts[1]}, ${parts[2]}, ${alpha})`;
}

/** A chart in a container; redraws on resize and when the theme changes. */
export class WpmChart {
  constructor(container) {
    this.container = container;
    this.plot = null;
    this.series = null;
    new ResizeObserver(() => this.#resize()).observe(container);
    window.addEventListener("coderace:theme", () => this.series && this.draw(this.series));
  }

  /** Draw a series: [{wpm, raw, errors}] per second. */
  draw(series) {
    this.series = series;
    this.plot?.destroy();
    this.plot = null;
    this.container.replaceChildren();
    if (!series.length) return;
    loadUplot().then((uPlot) => {
      if (this.series === series && !this.plot) this.#render(uPlot, series);
    });
  }

  #render(uPlot, series) {
    const xs = series.map((_, i) => i + 1);
    const fg = color("var(--muted)");
    const grid = color("var(--border)");
    const axis = {
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    };
    const errors = series.map((p) => (p.errors > 0 ? p.errors : null));
    const opts = {
      width: this.#width(),
      height: 220,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false },
        y: { range: (_, __, max) => [0, Math.max(20, Math.ceil((max * 1.15) / 10) * 10)] },
        errors: { range: (_, __, max) => [0, Math.max(3, Math.ceil(max * 1.5))] },
      },
      axes: [
        {
          ...axis,
          label: "seconds",
          labelSize: 20,
          size: 36,
          incrs: [1, 2, 5, 10, 15, 30, 60, 120],
        },
        { ...axis, label: "wpm", labelSize: 20, size: 44 },
      ],
      series: [
        { label: "second" },
        {
          label: "wpm",
          stroke: color("var(--accent)"),
          width: 2.5,
          fill: color("var(--accent)", 0.12),
          points: { show: false },
        },
        {
          label: "raw",
          stroke: color("var(--muted)"),
          width: 1.5,
          dash: [6, 4],
          points: { show: false },
        },
      ],
    };
    const data = [xs, series.map((p) => p.wpm), series.map((p) => p.raw)];
    if (errors.some((e) => e !== null)) {
      opts.axes.push({
        ...axis,
        scale: "errors",
        side: 1,
        grid: { show: false },
        label: "errors",
        labelSize: 20,
        size: 36,
        incrs: [1, 2, 5, 10, 20, 50],
      });
      opts.series.push({
        label: "errors",
        scale: "errors",
        stroke: color("var(--error)"),
        width: 0,
        points: { show: true, size: 7, fill: color("var(--error)") },
        paths: () => null,
      });
      data.push(errors);
    }
    this.plot = new uPlot(opts, data, this.container);
  }

  #width() {
    return Math.max(240, Math.floor(this.container.clientWidth || 600));
  }

  #resize() {
    if (this.plot) this.plot.setSize({ width: this.#width(), height: 220 });
  }
}
