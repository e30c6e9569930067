const fs = require('node:fs');

/**
 * Ends the run with one plain line, `N passed, N failed`, that any CI log reader understands. Written
 * when the process exits, so it comes after Jest's own summary. (A reporter is plain CommonJS.)
 */
class PlainSummaryReporter {
  constructor() {
    this.line = null;
    process.once('exit', () => {
      if (this.line) fs.writeSync(1, this.line);
    });
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    this.line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
  }
}

module.exports = PlainSummaryReporter;
