/**
 * Test-only, `node --import`ed into `tunneldesk web`: on SIGUSR2, a timer throws and a
 * promise rejects with nobody waiting, the failures that would end a plain Node process.
 */
process.on('SIGUSR2', () => {
  setTimeout(() => {
    throw new Error('a timer of the test threw');
  }, 0);
  void Promise.reject(new Error('a promise of the test was rejected'));
});
