// Folds key streams with static/js/typing.js: reads cases as JSON on stdin, prints states.
import { readFileSync } from "node:fs";

const source = readFileSync(process.argv[2], "utf8");
const { Course, Mirror, indentUnit } = await import(
  `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`
);
const cases = JSON.parse(readFileSync(0, "utf8"));
const out = cases.map(({ text, indent, rules, keys }) => {
  const mirror = new Mirror(new Course(text, rules, indentUnit(indent)));
  const states = [[mirror.pos, mirror.errorRun, mirror.absorb]];
  for (const key of keys) {
    mirror.feed(key);
    states.push([mirror.pos, mirror.errorRun, mirror.absorb]);
  }
  return states;
});
process.stdout.write(JSON.stringify(out));
