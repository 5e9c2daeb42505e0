// A finished race's page: the error analysis of the racer picked (the viewer's own typing
// if they raced, else the winner's).
import { loadAnalysis, showAnalysis } from "./analysis.js";
import { byId } from "./dom.js";
import { tabPlayer } from "./identity.js";

const box = byId("analysis");
const pick = byId("analysis-player");
const race = await loadAnalysis(box.dataset.race);
if (race) {
  // This tab's player (its token says who), else the logged-in account's.
  const tab = tabPlayer()?.id;
  const ours = [...pick.options].find((o) => o.value === tab) ?? pick.querySelector("[data-me]");
  const me = ours?.value ?? null;
  if (me) pick.value = me;
  const show = () => showAnalysis(box, pick.value, me, race);
  pick.addEventListener("change", show);
  show();
  byId("analysis-section").hidden = !race.standings.some((s) => s.analysis);
}
