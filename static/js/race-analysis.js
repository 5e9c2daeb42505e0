// A finished race's page: the error analysis of the racer picked (the first by default).
import { loadAnalysis, showAnalysis } from "./analysis.js";
import { byId } from "./dom.js";

const box = byId("analysis");
const pick = byId("analysis-player");
const race = await loadAnalysis(box.dataset.race);
if (race) {
  const show = () => showAnalysis(box, pick.value, null, race);
  pick.addEventListener("change", show);
  show();
  byId("analysis-section").hidden = !race.standings.some((s) => s.analysis);
}
