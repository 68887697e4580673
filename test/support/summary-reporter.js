/**
 * Prints one closing line, `jest: N passed, N failed, N skipped`, after jest's own summary, so CI
 * logs can be read by tools that look for that plain form.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
