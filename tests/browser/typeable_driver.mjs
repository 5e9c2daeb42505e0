// Runs static/js/typeable.js's check on pasted code: reads cases as JSON on stdin
// ({code, max, lookalikes}), prints what the browser would say of each (null: taken).
import { readFileSync } from "node:fs";

const source = readFileSync(process.argv[2], "utf8");
const { problem } = await import(
  `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`
);
const cases = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map((c) => problem(c.code, c.max, c.lookalikes))));
