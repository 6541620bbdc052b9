// Preload (node --import) for benchmarks: SIGUSR2 starts a V8 CPU profile of this process, the next
// SIGUSR2 writes it to $CPU_PROF_DIR/<pid>-<n>.cpuprofile (open in Chrome DevTools or speedscope),
// with <pid>-<n>.stalls.json: the longest gaps between ticks of a 2 ms timer while profiling, as
// [start, end] in the profile's clock (µs, CLOCK_MONOTONIC), to find what ran during a stall.
// `node --cpu-prof` profiles a whole run and is refused in NODE_OPTIONS; this profiles one phase.
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";

const dir = process.env.CPU_PROF_DIR ?? ".";
const session = new Session();
session.connect();
let running = false;
let n = 0;
let ticks = [];
let timer;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
process.on("SIGUSR2", () => {
  if (!running) {
    running = true;
    ticks = [nowUs()];
    timer = setInterval(() => ticks.push(nowUs()), 2);
    session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval: 200 }, () => session.post("Profiler.start")));
    return;
  }
  running = false;
  clearInterval(timer);
  const gaps = ticks.slice(1).map((t, i) => [ticks[i], t]).sort((a, b) => b[1] - b[0] - (a[1] - a[0])).slice(0, 10);
  session.post("Profiler.stop", (err, result) => {
    if (err) return;
    writeFileSync(`${dir}/${process.pid}-${++n}.cpuprofile`, JSON.stringify(result.profile));
    writeFileSync(`${dir}/${process.pid}-${n}.stalls.json`, JSON.stringify(gaps));
  });
});
