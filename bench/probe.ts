/**
 * Preloaded into every benchmark child (`node --import probe.js ...`): when the process exits it
 * writes its own getrusage numbers (peak RSS, CPU time) to BENCH_USAGE_FILE, the same figures
 * `/usr/bin/time -v` prints, without needing that tool on the machine.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const report = {
      maxRssKb: usage.maxRSS,
      userMs: usage.userCPUTime / 1000,
      systemMs: usage.systemCPUTime / 1000,
    };
    writeFileSync(target, JSON.stringify(report));
  });
}
