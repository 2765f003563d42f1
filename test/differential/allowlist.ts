// Differences between Postfix 3.7 and Relay Lab that are accepted, each with its reason.
// Key: "<case id> #<reply index>" (index into the session's replies, 0 = greeting), as printed
// by the test. Anything not listed here fails the test.
export const ALLOWLIST: Record<string, string> = {
  // (empty: every difference found so far is listed in test/differential/README.md for the lead to fix or allowlist)
};
