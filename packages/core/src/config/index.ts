export { parseConfig, ConfigError, formatPath, showValue } from './parse_config';
export type { ConfigIssue } from './parse_config';
export { describeSchema, schemaAt, knownKeys } from './describe_schema';
export { suggestName } from './suggest';
