import { defineConfig } from 'vitest/config';

// Engine tests run under plain Node. Integration tests bind real loopback sockets and
// write real SQLite files under os.tmpdir(); they are slower, hence the timeouts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    // CI asks for vitest's JSON report too, to print the "N passed, N failed" line from it.
    ...(process.env.RELAYLAB_VITEST_JSON
      ? { reporters: ['default', 'json'], outputFile: { json: process.env.RELAYLAB_VITEST_JSON } }
      : {}),
  },
});
