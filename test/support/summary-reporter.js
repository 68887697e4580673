/**
 * Prints one closing line, `jest: N passed, N failed, N skipped`, after jest's own summary, so CI
 * logs can be read by tools that look for that plain form.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite can fail outside any test (a hook, a syntax error); count each such suite as a failure.
    const brokenSuites = results.testResults.filter(
      (suite) => suite.numFailingTests === 0 && (suite.testExecError || suite.failureMessage),
    ).length;
    const failed = results.numFailedTests + brokenSuites;
    process.stdout.write(`jest: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
