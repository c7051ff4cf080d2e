// Prints, after every run, the time per suite (a folder of tests/) and per file, so the suite's
// cost stays visible as domains are added (issue 24: `npm test` under 10 minutes on 2 cores).
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

interface FileTime {
  file: string;
  suite: string;
  tests: number;
  /** Import, setup, tests and hooks (a file's own stack starts in its beforeAll) in its worker. */
  seconds: number;
}

const testsDir = path.resolve(import.meta.dirname);

function fileTime(module: TestModule): FileTime {
  const file = path.relative(testsDir, module.moduleId);
  const d = module.diagnostic();
  const ms =
    d.environmentSetupDuration +
    d.prepareDuration +
    d.collectDuration +
    d.setupDuration +
    d.duration;
  return {
    file,
    suite: file.split(path.sep)[0]!,
    tests: [...module.children.allTests()].length,
    seconds: ms / 1000,
  };
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

export default class TimesReporter implements Reporter {
  private started = 0;

  onTestRunStart() {
    this.started = performance.now();
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const files = modules.map(fileTime).sort((a, b) => b.seconds - a.seconds);
    if (files.length === 0) return;
    const suites = new Map<string, { files: number; tests: number; seconds: number }>();
    for (const file of files) {
      const suite = suites.get(file.suite) ?? { files: 0, tests: 0, seconds: 0 };
      suite.files++;
      suite.tests += file.tests;
      suite.seconds += file.seconds;
      suites.set(file.suite, suite);
    }
    const total = files.reduce((sum, file) => sum + file.seconds, 0);
    const wall = (performance.now() - this.started) / 1000;
    const width = Math.max(...files.map((file) => file.file.length));
    const lines = [
      "",
      `Time per suite (tests/<suite>/): ${total.toFixed(0)} s of file time in a run of ${wall.toFixed(0)} s (files run in parallel)`,
      `${"suite".padEnd(14)}${pad("files", 6)}${pad("tests", 7)}${pad("seconds", 9)}`,
      ...[...suites]
        .sort(([, a], [, b]) => b.seconds - a.seconds)
        .map(
          ([name, suite]) =>
            `${name.padEnd(14)}${pad(suite.files, 6)}${pad(suite.tests, 7)}${pad(suite.seconds.toFixed(1), 9)}`,
        ),
      "",
      "Time per file",
      ...files.map(
        (file) =>
          `${file.file.padEnd(width)}${pad(file.tests, 6)}${pad(file.seconds.toFixed(1), 8)}`,
      ),
      "",
    ];
    console.log(lines.join("\n"));
  }
}
