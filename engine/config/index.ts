// config: every setting and its default (schema.ts), YAML loading with file:line:key errors, and the
// checks the schema cannot express (check.ts).
// Inputs: a YAML file or nothing (the embedded default). Outputs: the effective Config.
// Trust: the file is the operator's, but every value is validated; unknown keys are errors.
export { configSchema, parseDuration, defaultRelayFrom, type Config, type ListenerConfig, type NetworkClass } from './schema';
export { parseConfig, loadConfig, defaultConfig, ConfigError, formatIssue, type ConfigIssue } from './load';
export { checkConfig } from './check';
