// Waiting for a finished race to be stored: one poll per race, shared by everyone who
// asks (the charts of a race opened late, the replay and ghost links), on an endpoint that
// answers 200 either way, with a widening wait between asks.

//: The waits between asks (ms): the race is written a moment after it ends, or much later
//: when the database is away; after the last one the page stops asking.
const WAITS_MS = [500, 1000, 1000, 2000, 2000, 4000, 4000, 8000, 8000, 15000, 15000, 30000];

const polls = new Map();

/** Resolve true once the race `raceId` is stored, false if it is not after the last wait
 * (or `stillWanted()` says the page has moved on). One poll per race, however many ask. */
export function whenStored(raceId, stillWanted = () => true) {
  let poll = polls.get(raceId);
  if (poll) poll.wanted.push(stillWanted);
  else {
    poll = { wanted: [stillWanted], done: null };
    polls.set(raceId, poll);
    poll.done = run(raceId, poll);
  }
  return poll.done.then((stored) => stored && stillWanted());
}

async function run(raceId, poll) {
  const url = `/api/races/${encodeURIComponent(raceId)}/stored`;
  for (let attempt = 0; attempt <= WAITS_MS.length; attempt++) {
    if (!poll.wanted.some((wanted) => wanted())) break;
    try {
      const res = await fetch(url, { cache: "no-store" });
      if (res.ok && (await res.json()).stored) return true;
    } catch {
      /* offline: ask again after the wait */
    }
    if (attempt < WAITS_MS.length) await new Promise((done) => setTimeout(done, WAITS_MS[attempt]));
  }
  polls.delete(raceId); // a later ask starts afresh
  return false;
}
