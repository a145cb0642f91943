/**
 * The direction of dependency (README "Layout"), checked by `npm test`:
 *   contract ← src ← workloads ← runtimes;   contract ← targets ← conformance;   contract ← k6;
 *   bench/measure → conformance, targets, bench/results;   bench/report → bench/results, contract only;
 *   bench/micro → the app itself (contract, src, workloads, runtimes) and bench/results' statistics; nothing → bench/micro.
 *   bench/resilience → bench/measure and what it may read.
 * Tests (test/, *.test.ts) may import anything.
 */
const LOCAL = '^(contract|src|workloads|runtimes|targets|conformance|k6|bench|test)/';
const notTest = '\\.test\\.ts$';
const only = (name, from, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: from === '^workloads/' ? `${notTest}|^workloads/[a-z]+\\.js$` : notTest },
  to: { path: LOCAL, pathNot: allowed },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    only('contract-is-pure', '^contract/', '^contract/', 'the contract knows nothing of the app, the runtimes or the bench'),
    only('src-reads-contract', '^src/', '^(contract|src)/', 'the app framework knows no family, runtime or bench'),
    only(
      'workloads-below-runtimes',
      '^workloads/',
      '^(contract|src|workloads)/|^conformance/harness\\.ts$',
      'a family knows the app and the contract; its conformance cases use the harness',
    ),
    only('runtimes-run-the-app', '^runtimes/', '^(contract|src|workloads|runtimes)/', 'an entry knows nothing of the bench'),
    only('targets-read-contract', '^targets/', '^(contract|targets)/', 'the target table knows only the contract'),
    only('conformance-reads-contract', '^conformance/', '^(contract|targets|conformance)/', 'judges targets over the wire'),
    only('k6-reads-contract', '^(k6/|workloads/[a-z]+\\.js$)', '^(contract|k6)/', 'load scripts carry no app code'),
    only('results-are-data', '^bench/results/', '^(contract|bench/results)/', 'result schemas and statistics'),
    only('report-reads-results', '^bench/report/', '^(contract|bench/results|bench/report)/', 'the report reads results'),
    only(
      'measure-above-results',
      '^bench/measure/',
      '^(contract|targets|conformance|bench/results|bench/measure)/',
      'the orchestrator measures; it renders the report only by running its CLI',
    ),
    only(
      'micro-runs-the-app-in-process',
      '^bench/micro/',
      '^(contract|src|workloads|runtimes|bench/micro)/|^bench/results/stats\\.ts$',
      'the micro-benchmark hands the catalogue\'s requests to the app and the bare control, no server',
    ),
    {
      name: 'nothing-imports-micro',
      comment: 'the micro-benchmark is a leaf: an entry point and its tests',
      severity: 'error',
      from: { path: LOCAL, pathNot: `^bench/micro/|^test/|${notTest}` },
      to: { path: '^bench/micro/' },
    },
    only(
      'resilience-beside-measure',
      '^bench/resilience/',
      '^(contract|targets|conformance|bench/results|bench/measure|bench/resilience)/',
      'the resilience suite measures with the orchestrator\'s parts; it renders the report only by running its CLI',
    ),
    {
      name: 'tests-stay-tests',
      severity: 'error',
      from: { path: LOCAL, pathNot: `${notTest}|^test/` },
      to: { path: `^test/|${notTest}` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|results|baselines|\\.tools)/' },
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
  },
};
